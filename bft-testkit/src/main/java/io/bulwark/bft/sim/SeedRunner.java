package io.bulwark.bft.sim;

import java.util.ArrayDeque;
import java.util.Deque;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.IntFunction;

/**
 * Runs a campaign's seeds on a few threads and hands their outcomes back in seed order. Seeds share no state,
 * so each outcome is the one a lone run of that seed gives; a window of {@code 2 × threads} seeds in flight
 * keeps memory bounded however many seeds the campaign has. With one thread, seeds run on the caller's thread,
 * one at a time, as they always did.
 */
final class SeedRunner implements AutoCloseable {
    private final int seeds;
    private final IntFunction<Simulation.Options> optionsOf;
    private final ExecutorService pool;
    private final Deque<Future<Simulation.Outcome>> inFlight = new ArrayDeque<>();
    private final int window;
    private int submitted;
    private int taken;

    SeedRunner(int threads, int seeds, IntFunction<Simulation.Options> optionsOf) {
        this.seeds = seeds;
        this.optionsOf = optionsOf;
        this.window = 2 * threads;
        this.pool = threads == 1 ? null : Executors.newFixedThreadPool(threads, r -> {
            Thread t = new Thread(r, "bulwark-sim-seed");
            t.setDaemon(true);
            return t;
        });
    }

    /** The outcome of seed index {@code i}; indices must be asked for in order 0, 1, 2, ... */
    Simulation.Outcome outcome(int i) {
        if (i != taken) throw new IllegalStateException("seed " + i + " asked for out of order; next is " + taken);
        taken++;
        if (pool == null) return new Simulation(optionsOf.apply(i)).run();
        while (submitted < seeds && inFlight.size() < window) {
            Simulation.Options o = optionsOf.apply(submitted++);
            inFlight.addLast(pool.submit(() -> new Simulation(o).run()));
        }
        try {
            return inFlight.removeFirst().get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while seed " + i + " ran", e);
        } catch (ExecutionException e) {
            // A seed that throws is a bug in the simulator or the engine: rethrow it as the sequential loop would.
            if (e.getCause() instanceof RuntimeException re) throw re;
            if (e.getCause() instanceof Error err) throw err;
            throw new IllegalStateException("seed " + i + " failed", e.getCause());
        }
    }

    @Override
    public void close() {
        if (pool != null) pool.shutdownNow();
    }
}
