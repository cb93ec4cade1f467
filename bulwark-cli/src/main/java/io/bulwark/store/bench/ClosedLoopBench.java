package io.bulwark.store.bench;

import io.bulwark.bft.cli.ProcessMeter;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * Runs the bank workload against one {@link BankSystem}: one thread per closed-loop client (each
 * issues its next transfer as soon as the previous one returns), a warm-up, then a measured window.
 * A call counts if it started after the warm-up and returned within the window. Afterwards the
 * total balance is read back for the conservation check.
 */
public final class ClosedLoopBench {
    /** How long the clients may take to return from their last call after the window closes. */
    private static final long GRACE_NANOS = TimeUnit.SECONDS.toNanos(60);

    private ClosedLoopBench() {}

    public static BenchRow run(BankSystem system, BenchSettings s) throws Exception {
        system.open(s.accounts(), s.initialBalance());
        List<BankSession> sessions = new ArrayList<>(s.clients());
        for (int i = 0; i < s.clients(); i++) sessions.add(system.session(i));

        long start = System.nanoTime();
        long from = start + s.warmup().toNanos();
        long to = from + s.measure().toNanos();
        CountDownLatch done = new CountDownLatch(s.clients());
        Client[] clients = new Client[s.clients()];
        for (int i = 0; i < clients.length; i++) {
            clients[i] = new Client(sessions.get(i), new TransferPicker(s.seed(), i, s.accounts(), s.maxAmount()), from, to, done);
            Thread t = new Thread(clients[i], "bench-" + system.name() + "-client-" + i);
            t.setDaemon(true);   // a client stuck in a call must not keep the JVM alive
            clients[i].thread = t;
            t.start();
        }
        // CPU over the measured window: the bench's own process and each server process.
        ProcessMeter meter = new ProcessMeter().add("bench", ProcessHandle.current());
        system.serverProcesses().forEach(meter::add);
        if (system.batchesExecuted() != null) meter.count("batches", system.batchesExecuted());
        sleepUntil(from);
        List<ProcessMeter.Usage> atStart = meter.sample();
        long[] countedAtStart = meter.sampleCounters();
        sleepUntil(to);
        List<ProcessMeter.Usage> used = ProcessMeter.delta(atStart, meter.sample());
        long[] countedAtEnd = meter.sampleCounters();
        if (!done.await(to - System.nanoTime() + GRACE_NANOS, TimeUnit.NANOSECONDS)) {
            for (Client c : clients) c.thread.interrupt();
            throw new IllegalStateException(system.name() + ": clients still in a call "
                    + TimeUnit.NANOSECONDS.toSeconds(GRACE_NANOS) + " s after the measured window closed");
        }

        long applied = 0, refused = 0, failed = 0, measured = 0;
        String firstFailure = null;
        for (Client c : clients) {
            applied += c.applied;
            refused += c.refused;
            failed += c.failed;
            measured += c.count;
            if (firstFailure == null) firstFailure = c.firstFailure;
        }
        long[] all = new long[(int) measured];
        int k = 0;
        for (Client c : clients) {
            System.arraycopy(c.latencies, 0, all, k, c.count);
            k += c.count;
        }
        Arrays.sort(all);
        double seconds = s.measure().toNanos() / 1e9;
        Map<String, Double> cpu = new LinkedHashMap<>();
        List<String> names = meter.names();
        for (int i = 0; i < names.size(); i++)
            if (used.get(i).cpuNanos() >= 0 && measured > 0) cpu.put(names.get(i), used.get(i).cpuNanos() / 1000.0 / measured);
        double perBatch = Double.NaN;
        if (countedAtStart.length > 0 && countedAtStart[0] >= 0 && countedAtEnd[0] > countedAtStart[0])
            perBatch = measured / (double) (countedAtEnd[0] - countedAtStart[0]);
        return new BenchRow(system.name(), measured / seconds, percentileMicros(all, 0.50), percentileMicros(all, 0.99), measured,
                applied, refused, failed, system.retried(), s.totalMoney(), system.totalBalance(), firstFailure, cpu, perBatch);
    }

    private static void sleepUntil(long nanoTime) throws InterruptedException {
        for (long left; (left = nanoTime - System.nanoTime()) > 0; ) TimeUnit.NANOSECONDS.sleep(left);
    }

    static double percentileMicros(long[] sortedNanos, double p) {
        return sortedNanos.length == 0 ? 0 : sortedNanos[(int) (p * (sortedNanos.length - 1))] / 1000.0;
    }

    /** One closed-loop client; its fields are read by the runner only after {@code done} counted it down. */
    private static final class Client implements Runnable {
        final BankSession session;
        final TransferPicker picker;
        final long from, to;
        final CountDownLatch done;
        Thread thread;
        long[] latencies = new long[1024];
        int count;
        long applied, refused, failed;
        String firstFailure;

        Client(BankSession session, TransferPicker picker, long from, long to, CountDownLatch done) {
            this.session = session;
            this.picker = picker;
            this.from = from;
            this.to = to;
            this.done = done;
        }

        @Override public void run() {
            try {
                while (!Thread.currentThread().isInterrupted()) {
                    long t0 = System.nanoTime();
                    if (t0 >= to) break;
                    picker.next();
                    TransferResult r;
                    try {
                        r = session.transfer(picker.from(), picker.to(), picker.amount());
                    } catch (InterruptedException e) {
                        break;
                    } catch (Exception e) {
                        failed++;
                        if (firstFailure == null) firstFailure = e.toString();
                        continue;
                    }
                    long t1 = System.nanoTime();
                    if (r == TransferResult.APPLIED) applied++;
                    else refused++;
                    if (t0 >= from && t1 <= to) record(t1 - t0);
                }
            } finally {
                done.countDown();
            }
        }

        private void record(long nanos) {
            if (count == latencies.length) latencies = Arrays.copyOf(latencies, count * 2);
            latencies[count++] = nanos;
        }
    }
}
