package io.bulwark.bft.cli;

import io.bulwark.bft.net.EventLoop;
import io.bulwark.bft.node.BftClient;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicLongArray;
import java.util.function.IntFunction;

/**
 * Closed-loop load for the failover and attack benchmarks: each client issues its next ordered
 * call as soon as the previous one completes, until {@link #stop()}. Every completion is recorded
 * with its time and the view the client's reply certificate vouched for ({@link BftClient#view()}).
 * All client callbacks run on the clients' event loop, which owns the records; {@link #stop()}
 * runs on that loop too, so the records are safe to read after it returns.
 */
final class LoadDriver {
    private final EventLoop loop;
    private final List<BftClient> clients;
    private final IntFunction<byte[]> operation;
    private final long[][] times;
    private final long[][] views;
    private final int[] counts;
    private final AtomicLong completed = new AtomicLong();
    private final AtomicLong errors = new AtomicLong();
    private final AtomicLongArray lastView;
    private final AtomicLongArray served;
    private volatile String firstError;
    private boolean running;

    /** {@code operation} gives client i's next operation (called on the loop). */
    LoadDriver(EventLoop loop, List<BftClient> clients, IntFunction<byte[]> operation) {
        this.loop = loop;
        this.clients = List.copyOf(clients);
        this.operation = operation;
        int k = clients.size();
        times = new long[k][1024];
        views = new long[k][1024];
        counts = new int[k];
        lastView = new AtomicLongArray(k);
        served = new AtomicLongArray(k);
    }

    void start() {
        loop.submit(() -> {
            running = true;
            for (int i = 0; i < clients.size(); i++) next(i);
            return null;
        }).join();
    }

    private void next(int i) {
        if (!running) return;
        clients.get(i).invokeAsync(operation.apply(i), false).whenComplete((r, e) -> done(i, e));
    }

    private void done(int i, Throwable e) {
        long t = System.nanoTime();
        if (!running) return;
        if (e != null) {
            errors.incrementAndGet();
            if (firstError == null) firstError = e.toString();
            return;   // this client stops; the benchmark reports it
        }
        long v = clients.get(i).view();
        if (counts[i] == times[i].length) {
            times[i] = Arrays.copyOf(times[i], counts[i] * 2);
            views[i] = Arrays.copyOf(views[i], counts[i] * 2);
        }
        times[i][counts[i]] = t;
        views[i][counts[i]] = v;
        counts[i]++;
        lastView.set(i, v);
        served.incrementAndGet(i);
        completed.incrementAndGet();
        next(i);
    }

    /** Stops issuing calls; completions from now on are not recorded. */
    void stop() {
        loop.submit(() -> { running = false; return null; }).join();
    }

    int clientCount() { return clients.size(); }

    long completed() { return completed.get(); }

    long errors() { return errors.get(); }

    String firstError() { return firstError; }

    /** Completions so far of client i (any thread). */
    long served(int i) { return served.get(i); }

    /** The view of client i's latest completion (any thread). */
    long lastView(int i) { return lastView.get(i); }

    long maxLastView() {
        long v = 0;
        for (int i = 0; i < clients.size(); i++) v = Math.max(v, lastView.get(i));
        return v;
    }

    // ---- after stop() ----

    /** Completions with time in [from, to). */
    long completedBetween(long fromNanos, long toNanos) {
        long c = 0;
        for (int i = 0; i < counts.length; i++)
            for (int k = 0; k < counts[i]; k++) if (times[i][k] >= fromNanos && times[i][k] < toNanos) c++;
        return c;
    }

    /** Completions with time in [from, to) whose certificate vouched for a view above {@code view}. */
    long completedAboveViewBetween(long view, long fromNanos, long toNanos) {
        long c = 0;
        for (int i = 0; i < counts.length; i++)
            for (int k = 0; k < counts[i]; k++)
                if (views[i][k] > view && times[i][k] >= fromNanos && times[i][k] < toNanos) c++;
        return c;
    }

    /** Completions at or after {@code fromNanos} still certified in a view at most {@code view}. */
    long completedAtMostViewAfter(long view, long fromNanos) {
        long c = 0;
        for (int i = 0; i < counts.length; i++)
            for (int k = 0; k < counts[i]; k++) if (views[i][k] <= view && times[i][k] >= fromNanos) c++;
        return c;
    }

    /** Client i's first completion time whose view is above {@code view}, or -1. */
    long firstAboveView(int i, long view) {
        for (int k = 0; k < counts[i]; k++) if (views[i][k] > view) return times[i][k];
        return -1;
    }

    /** The view of the first completion above {@code view} of any client, or -1. */
    long firstViewAbove(long view) {
        long best = Long.MAX_VALUE, v = -1;
        for (int i = 0; i < counts.length; i++)
            for (int k = 0; k < counts[i]; k++)
                if (views[i][k] > view) {
                    if (times[i][k] < best) { best = times[i][k]; v = views[i][k]; }
                    break;
                }
        return v;
    }
}
