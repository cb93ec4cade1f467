package io.bulwark.store.bench.scale;

import io.bulwark.store.annotation.Entity;
import io.bulwark.store.annotation.Id;

/** {@code bench store-scale}'s other entity type, queried while many {@link ScaleItem}s are managed. */
@Entity(name = "ScaleDoc")
public class ScaleDoc {
    @Id public String key;
    public byte[] body;
}
