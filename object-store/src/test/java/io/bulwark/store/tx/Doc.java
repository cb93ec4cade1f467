package io.bulwark.store.tx;

import io.bulwark.store.annotation.Entity;
import io.bulwark.store.annotation.Id;

/** A test entity with an assigned String id and a blob. */
@Entity
public class Doc {
    @Id String key;
    byte[] blob;

    Doc() {}

    Doc(String key, byte[] blob) {
        this.key = key;
        this.blob = blob;
    }
}
