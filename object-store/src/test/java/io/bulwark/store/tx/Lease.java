package io.bulwark.store.tx;

import io.bulwark.store.annotation.Entity;
import io.bulwark.store.annotation.Id;
import jakarta.validation.constraints.Future;

import java.time.Instant;

/** A test entity with a temporal constraint: it must be checked against the agreed time, not a replica's clock. */
@Entity
public class Lease {
    @Id String name;
    @Future Instant expires;

    Lease() {}

    Lease(String name, Instant expires) {
        this.name = name;
        this.expires = expires;
    }
}
