package io.bulwark.bft.cli;

import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.function.Supplier;

/**
 * A closed-loop load: each client issues its next call as soon as the previous one completes.
 * Calls that start after the warm-up and end before the deadline are measured. All completions
 * run on one event loop thread, so the per-client latency lists need no locking; they are read
 * after the run has stopped.
 */
final class ClosedLoopRun {
    /** {@code usage}: what each metered process used over the measured window (empty without a meter). */
    record Result(int clients, double opsPerSecond, double p50Micros, double p99Micros, long measured, List<ProcessMeter.Usage> usage,
                  long[] counted) {
        /** Measured calls per unit of counter {@code i} over the window (e.g. requests per batch), NaN where unknown. */
        double opsPerCount(int i) {
            return i >= counted.length || counted[i] <= 0 ? Double.NaN : measured / (double) counted[i];
        }

        /** Microseconds of CPU process {@code i} spent per measured call, NaN where unknown. */
        double cpuMicrosPerOp(int i) {
            return i >= usage.size() || usage.get(i).cpuNanos() < 0 || measured == 0 ? Double.NaN : usage.get(i).cpuNanos() / 1000.0 / measured;
        }

        /** Read and write system calls process {@code i} made per measured call, NaN where unknown. */
        double syscallsPerOp(int i) {
            if (i >= usage.size() || measured == 0) return Double.NaN;
            ProcessMeter.Usage u = usage.get(i);
            return u.readCalls() < 0 || u.writeCalls() < 0 ? Double.NaN : (u.readCalls() + u.writeCalls()) / (double) measured;
        }
    }

    private static final class Client {
        final Supplier<CompletableFuture<byte[]>> call;
        long[] latencies = new long[1024];
        int count;
        volatile boolean idle;

        Client(Supplier<CompletableFuture<byte[]>> call) { this.call = call; }

        void record(long nanos) {
            if (count == latencies.length) latencies = Arrays.copyOf(latencies, count * 2);
            latencies[count++] = nanos;
        }
    }

    private ClosedLoopRun() {}

    static Result run(List<Supplier<CompletableFuture<byte[]>>> calls, long warmupMs, long measureMs) throws InterruptedException {
        return run(calls, warmupMs, measureMs, null);
    }

    /** As {@link #run(List, long, long)}, sampling {@code meter} (if not null) at the measured window's ends. */
    static Result run(List<Supplier<CompletableFuture<byte[]>>> calls, long warmupMs, long measureMs, ProcessMeter meter) throws InterruptedException {
        Client[] clients = calls.stream().map(Client::new).toArray(Client[]::new);
        long start = System.nanoTime();
        long measureFrom = start + warmupMs * 1_000_000;
        long measureTo = measureFrom + measureMs * 1_000_000;
        for (Client c : clients) next(c, measureFrom, measureTo);
        // The load runs for a fixed wall-clock window.
        List<ProcessMeter.Usage> usedFrom = List.of(), usedTo = List.of();
        long[] countedFrom = new long[0], countedTo = new long[0];
        sleepUntil(measureFrom);
        if (meter != null) {
            usedFrom = meter.sample();
            countedFrom = meter.sampleCounters();
        }
        sleepUntil(measureTo);
        if (meter != null) {
            usedTo = meter.sample();
            countedTo = meter.sampleCounters();
        }
        long deadline = System.currentTimeMillis() + 30_000;
        for (Client c : clients) {
            while (!c.idle && System.currentTimeMillis() < deadline) Thread.sleep(5);   // let the last calls finish
            if (!c.idle) throw new IllegalStateException("a call did not complete within 30 s after the run");
        }
        long total = 0;
        for (Client c : clients) total += c.count;
        long[] all = new long[(int) total];
        int k = 0;
        for (Client c : clients) {
            System.arraycopy(c.latencies, 0, all, k, c.count);
            k += c.count;
        }
        Arrays.sort(all);
        double p50 = all.length == 0 ? 0 : all[(int) (0.50 * (all.length - 1))] / 1000.0;
        double p99 = all.length == 0 ? 0 : all[(int) (0.99 * (all.length - 1))] / 1000.0;
        long[] counted = new long[countedTo.length];
        for (int i = 0; i < counted.length; i++) counted[i] = countedFrom[i] < 0 || countedTo[i] < 0 ? -1 : countedTo[i] - countedFrom[i];
        return new Result(clients.length, total / (measureMs / 1000.0), p50, p99, total, ProcessMeter.delta(usedFrom, usedTo), counted);
    }

    private static void sleepUntil(long nanoTime) throws InterruptedException {
        long left;
        while ((left = nanoTime - System.nanoTime()) > 0) Thread.sleep(Math.max(1, left / 1_000_000));
    }

    private static void next(Client c, long from, long to) {
        long t0 = System.nanoTime();
        if (t0 >= to) {
            c.idle = true;
            return;
        }
        c.call.get().whenComplete((r, e) -> {
            long t1 = System.nanoTime();
            if (e != null) {
                c.idle = true;
                System.err.println("bench: call failed: " + e);
                return;
            }
            if (t0 >= from && t1 <= to) c.record(t1 - t0);
            next(c, from, to);
        });
    }
}
