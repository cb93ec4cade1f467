package io.bulwark.bft.sim;

import java.util.SplittableRandom;

/**
 * The simulated network: latency from a distribution with a heavy tail, drops, duplicates,
 * reordering (a consequence of random latency), and nodes cut off (stopped or partitioned).
 * All faults end at {@link FaultPlan#healAt()}; after that every message arrives.
 */
final class SimNetwork {
    interface Receiver { void deliver(Object payload); }

    private final EventQueue events;
    private final SplittableRandom rnd;
    private final FaultPlan plan;
    private final Receiver[] nodes;
    private final boolean[] cutOff;
    long sent, dropped, duplicated;

    SimNetwork(EventQueue events, SplittableRandom rnd, FaultPlan plan, int principals) {
        this.events = events;
        this.rnd = rnd;
        this.plan = plan;
        this.nodes = new Receiver[principals];
        this.cutOff = new boolean[principals];
    }

    void attach(int principal, Receiver r) { nodes[principal] = r; }

    void setCutOff(int principal, boolean cut) { cutOff[principal] = cut; }

    boolean isCutOff(int principal) { return cutOff[principal]; }

    /**
     * Transmits a core's {@link io.bulwark.bft.core.Action.Send} or {@code Multicast} through the
     * sender's link (a multicast is sealed once and goes to every replica but the sender).
     * Returns false for any other action, which the caller performs itself.
     */
    boolean transmit(int from, io.bulwark.bft.core.Action a, Link link, int replicas) {
        if (a instanceof io.bulwark.bft.core.Action.Send s) {
            send(from, s.to(), link.sealTo(s.to(), s.message()));
            return true;
        }
        if (a instanceof io.bulwark.bft.core.Action.Multicast m) {
            Object payload = link.sealMulticast(m.message());
            for (int j = 0; j < replicas; j++) if (j != from) send(from, j, payload);
            return true;
        }
        return false;
    }

    void send(int from, int to, Object payload) {
        sent++;
        if (cutOff[from] || cutOff[to]) { dropped++; return; }
        boolean faulty = events.now() < plan.healAt();
        if (faulty && rnd.nextDouble() < plan.dropRate()) { dropped++; return; }
        schedule(to, payload, faulty);
        if (faulty && rnd.nextDouble() < plan.duplicateRate()) {
            duplicated++;
            schedule(to, payload, true);
        }
    }

    private void schedule(int to, Object payload, boolean faulty) {
        long latency = plan.baseLatencyUs() + (long) (-Math.log(1 - rnd.nextDouble()) * plan.meanExtraLatencyUs());
        if (faulty && rnd.nextDouble() < plan.spikeRate()) latency += plan.spikeLatencyUs();
        events.after(latency, () -> {
            if (!cutOff[to]) nodes[to].deliver(payload);
            else dropped++;
        });
    }
}
