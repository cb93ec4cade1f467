package io.bulwark.store.tx;

import io.bulwark.store.annotation.Entity;
import io.bulwark.store.annotation.Id;

/** A test entity with a constraint whose validator counts its initializations ({@link Counted}). */
@Entity
public class Tag {
    @Id String name;
    @Counted String label;

    Tag() {}

    Tag(String name, String label) {
        this.name = name;
        this.label = label;
    }
}
