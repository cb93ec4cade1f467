package io.bulwark.store.bench;

import java.util.Map;

/**
 * One system's figures: completed transfers per second in the measured window (applied and refused
 * alike: each is a whole transaction), latency percentiles in microseconds, and what the oracle
 * saw — the money in the bank after the run against before it. {@code cpuMicrosPerTransfer}: CPU time
 * (user and system) per measured transfer of the bench's own process ("bench": its clients, and the whole
 * system where it runs inside it) and of each server process ("r0", ...), over the measured window; a figure
 * that load from elsewhere on the machine disturbs much less than throughput. {@code transfersPerBatch}: for a
 * replicated system, measured transfers over the batches replica 0 executed in the window (NaN where unknown): a
 * steady-state figure; in a window of a second or two the batches of calls that straddle its ends weigh in.
 */
public record BenchRow(String system, double opsPerSecond, double p50Micros, double p99Micros, long measured,
                       long applied, long refused, long failed, long retried, long moneyBefore, long moneyAfter,
                       String firstFailure, Map<String, Double> cpuMicrosPerTransfer, double transfersPerBatch) {

    /** Without CPU figures. */
    public BenchRow(String system, double opsPerSecond, double p50Micros, double p99Micros, long measured,
                    long applied, long refused, long failed, long retried, long moneyBefore, long moneyAfter, String firstFailure) {
        this(system, opsPerSecond, p50Micros, p99Micros, measured, applied, refused, failed, retried, moneyBefore, moneyAfter, firstFailure,
                Map.of(), Double.NaN);
    }

    /** No transfer was half-applied or lost: the sum of balances is what it was. */
    public boolean conserved() { return moneyBefore == moneyAfter; }
}
