package io.bulwark.jakarta.bad;

import io.bulwark.jakarta.Replicated;
import io.bulwark.store.Tx;
import io.bulwark.store.annotation.Entity;
import io.bulwark.store.annotation.Id;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

/** Its entity has a java.util.Date field, which the store's codec cannot store. */
@ApplicationScoped
@Replicated(types = DatedCounter.Stamp.class)
public class DatedCounter implements Counter {
    @Inject Tx tx;

    @Override public long next() { return 0; }

    @Entity
    public static class Stamp {
        @Id public long id;
        public java.util.Date when;
    }
}
