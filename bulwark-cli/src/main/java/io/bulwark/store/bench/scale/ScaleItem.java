package io.bulwark.store.bench.scale;

import io.bulwark.store.annotation.Entity;
import io.bulwark.store.annotation.Id;
import io.bulwark.store.annotation.Indexed;

/** {@code bench store-scale}'s many small entities: an id, an indexed bucket (id mod 1000) and a value (3 * id). */
@Entity(name = "ScaleItem")
public class ScaleItem {
    @Id public long id;
    @Indexed public int bucket;
    public long value;
}
