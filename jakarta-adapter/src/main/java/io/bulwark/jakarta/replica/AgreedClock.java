package io.bulwark.jakarta.replica;

import jakarta.enterprise.context.Dependent;
import jakarta.enterprise.inject.Typed;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;

/**
 * The clock of a replicated bean (CDI replica mode): the agreed time of the running operation, which
 * the primary proposed and the backups checked (paper section 3 and [6]; the engine's {@code core.NonDet}),
 * so every replica reads the same instant; it never goes backwards from one operation to the next. A
 * {@link Clock}, so it can be passed to {@code LocalDate.now(clock)} and the like; in UTC unless
 * {@link #withZone} says otherwise (a fixed zone, the same at every replica). Never use the system clock
 * on a replica.
 */
@Dependent
@Typed(AgreedClock.class)
public class AgreedClock extends Clock {
    private final ZoneId zone;

    public AgreedClock() { this(ZoneOffset.UTC); }

    private AgreedClock(ZoneId zone) { this.zone = zone; }

    @Override public ZoneId getZone() { return zone; }

    @Override public Clock withZone(ZoneId zone) { return new AgreedClock(zone); }

    @Override public Instant instant() { return CurrentTx.get().now(); }
}
