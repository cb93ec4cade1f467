package io.bulwark.store.bench.app;

/**
 * One system's figures in {@code bench app}: transfers completed per second in the measured window (applied and
 * refused alike), latency percentiles in milliseconds as an HTTP client sees them, the counts, and the audit after
 * the run (the books balanced and the deposits what the setup paid in).
 */
public record AppRow(String system, double opsPerSecond, double p50Millis, double p99Millis, long applied, long refused, long failed,
                     boolean conserved, String firstFailure) {

    /** Nearest-rank percentile {@code p} (0..100] of sorted latencies, in ms; 0 for none. */
    static double percentileMillis(long[] sortedNanos, double p) {
        if (sortedNanos.length == 0) return 0;
        int rank = (int) Math.ceil(p / 100.0 * sortedNanos.length);
        return sortedNanos[Math.max(0, Math.min(sortedNanos.length - 1, rank - 1))] / 1e6;
    }
}
