package io.bulwark.jakarta.bad;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Inject;
import java.time.Clock;

/** Reads the wall clock through an injected, non-replicated bean: every replica would answer differently. */
@ApplicationScoped
public class WallClockCounter implements Counter {
    @Inject Clock clock;

    @Override public long next() { return clock.millis(); }

    /** The web tier's clock producer, which a replica must not use. */
    @ApplicationScoped
    public static class Clocks {
        @Produces Clock clock() { return Clock.systemUTC(); }
    }
}
