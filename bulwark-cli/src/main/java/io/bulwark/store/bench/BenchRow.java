package io.bulwark.store.bench;

/**
 * One system's figures: completed transfers per second in the measured window (applied and refused
 * alike: each is a whole transaction), latency percentiles in microseconds, and what the oracle
 * saw — the money in the bank after the run against before it.
 */
public record BenchRow(String system, double opsPerSecond, double p50Micros, double p99Micros, long measured,
                       long applied, long refused, long failed, long retried, long moneyBefore, long moneyAfter,
                       String firstFailure) {

    /** No transfer was half-applied or lost: the sum of balances is what it was. */
    public boolean conserved() { return moneyBefore == moneyAfter; }
}
