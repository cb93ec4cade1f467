package io.bulwark.bft.node;

/**
 * Faulty replica behaviour for benchmarks and tests, implemented in the runtime around a correct
 * core (the core never knows): a way to measure what a Byzantine replica can do to throughput.
 *
 * @param kind              what the replica does wrong
 * @param prePrepareDelayMs {@link Kind#SLOW_PRIMARY}: how long every outgoing PRE-PREPARE is held back
 */
public record Adversary(Kind kind, long prePrepareDelayMs) {

    public enum Kind {
        /** A correct replica. */
        NONE,
        /**
         * Holds back every PRE-PREPARE it sends (multicast or retransmitted) for
         * {@code prePrepareDelayMs} on the event loop's timers, never blocking; everything else
         * is correct. Set just under the view-change timeout, a primary slows the group down
         * without being replaced (Aardvark's "pre-prepare delay" attack).
         */
        SLOW_PRIMARY,
        /** Receives and processes everything, sends nothing but its NEW-KEY (so others can still talk to it). */
        SILENT
    }

    public static final Adversary NONE = new Adversary(Kind.NONE, 0);

    public Adversary {
        if (kind == null) throw new IllegalArgumentException("kind");
        if (prePrepareDelayMs < 0) throw new IllegalArgumentException("delay must be >= 0, was " + prePrepareDelayMs);
    }

    public static Adversary slowPrimary(long prePrepareDelayMs) { return new Adversary(Kind.SLOW_PRIMARY, prePrepareDelayMs); }

    public static Adversary silent() { return new Adversary(Kind.SILENT, 0); }

    @Override public String toString() {
        return switch (kind) {
            case NONE -> "none";
            case SLOW_PRIMARY -> "slow-primary (pre-prepares held back " + prePrepareDelayMs + " ms)";
            case SILENT -> "silent";
        };
    }
}
