package io.bulwark.bft.sim;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/**
 * The faults of one simulated run, drawn from its seed. Replicas in {@code faulty} (at most the
 * crash budget: what the run's Byzantine replicas leave of f; the primary of view 0 included, so
 * view changes are exercised) are stopped and resumed with their memory intact, or partitioned
 * away, during [0, healAt). Every link may drop, duplicate and delay messages until healAt. A run
 * whose adversaries need a view change may also have its view-0 primary isolated by the network
 * (partitioned, still running, still correct) for a window that ends before the network heals.
 */
record FaultPlan(double dropRate, double duplicateRate, long baseLatencyUs, long meanExtraLatencyUs,
                 double spikeRate, long spikeLatencyUs, long healAt, List<Integer> faulty, List<Outage> outages,
                 long clockSkewMs) {

    /** Replica {@code replica} is cut off from [from, to): stopped (no steps at all) or partitioned (still runs). */
    record Outage(int replica, long from, long to, boolean stopped) {}

    static FaultPlan draw(SplittableRandom rnd, int f, int n) { return draw(rnd, f, n, f); }

    /** As {@link #draw(SplittableRandom, int, int)} with at most {@code crashBudget} faulty replicas (the same run when it is f). */
    static FaultPlan draw(SplittableRandom rnd, int f, int n, int crashBudget) {
        double drop = rnd.nextInt(4) == 0 ? 0 : rnd.nextDouble() * 0.05;
        double dup = rnd.nextDouble() * 0.02;
        long base = 50 + rnd.nextInt(450);
        long extra = 50 + rnd.nextInt(1500);
        double spike = rnd.nextDouble() * 0.01;
        long spikeUs = 5_000 + rnd.nextInt(20_000);
        long heal = 200_000 + rnd.nextInt(1_800_000);
        int faultyCount = Math.min(rnd.nextInt(f + 1), crashBudget);
        List<Integer> faulty = new ArrayList<>();
        while (faulty.size() < faultyCount) {
            int r = rnd.nextInt(n);
            if (!faulty.contains(r)) faulty.add(r);
        }
        List<Outage> outages = new ArrayList<>();
        for (int r : faulty) {
            long t = rnd.nextInt((int) (heal / 4));
            while (t < heal) {
                long len = 10_000 + rnd.nextInt(300_000);
                long end = Math.min(heal, t + len);
                outages.add(new Outage(r, t, end, rnd.nextBoolean()));
                t = end + 10_000 + rnd.nextInt(200_000);
            }
        }
        long skew = rnd.nextInt(100);
        return new FaultPlan(drop, dup, base, extra, spike, spikeUs, heal, List.copyOf(faulty), List.copyOf(outages), skew);
    }

    /** This plan with fixed drop and duplicate rates (NaN keeps the drawn one). */
    FaultPlan withRates(double drop, double dup) {
        return new FaultPlan(Double.isNaN(drop) ? dropRate : drop, Double.isNaN(dup) ? duplicateRate : dup, baseLatencyUs,
                meanExtraLatencyUs, spikeRate, spikeLatencyUs, healAt, faulty, outages, clockSkewMs);
    }

    /** This plan with no replica stopped or partitioned (the links still delay, drop and duplicate as drawn). */
    FaultPlan withoutOutages() {
        return new FaultPlan(dropRate, duplicateRate, baseLatencyUs, meanExtraLatencyUs, spikeRate, spikeLatencyUs,
                healAt, List.of(), List.of(), clockSkewMs);
    }

    /** This plan with {@code replica} partitioned during [from, to); the network heals no earlier than {@code to}. */
    FaultPlan withIsolation(int replica, long from, long to) {
        List<Outage> o = new ArrayList<>(outages);
        o.add(new Outage(replica, from, to, false));
        return new FaultPlan(dropRate, duplicateRate, baseLatencyUs, meanExtraLatencyUs, spikeRate, spikeLatencyUs,
                Math.max(healAt, to), faulty, List.copyOf(o), clockSkewMs);
    }

    /** This plan with the network healing no earlier than {@code at} (a fault scheduled until then). */
    FaultPlan healingNoEarlierThan(long at) {
        return new FaultPlan(dropRate, duplicateRate, baseLatencyUs, meanExtraLatencyUs, spikeRate, spikeLatencyUs,
                Math.max(healAt, at), faulty, outages, clockSkewMs);
    }

    String describe() {
        return String.format("drop=%.3f dup=%.3f latency=%dus+exp(%dus) spikes=%.3f x %dus heal=%dms faulty=%s outages=%d skew<=%dms",
                dropRate, duplicateRate, baseLatencyUs, meanExtraLatencyUs, spikeRate, spikeLatencyUs,
                healAt / 1000, faulty, outages.size(), clockSkewMs);
    }
}
