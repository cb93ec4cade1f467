package io.bulwark.bft.sim;

import io.bulwark.bft.sim.adversary.NetworkTap;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/**
 * The simulated network: latency from a distribution with a heavy tail, drops, duplicates,
 * reordering (a consequence of random latency), and nodes cut off (stopped or partitioned).
 * All faults end at {@link FaultPlan#healAt()}; after that every message arrives. Link-level
 * adversaries ({@link NetworkTap}s: forgers, replayers) see every payload and may inject their own,
 * with randomness of their own so that a run without them is the same run as before they existed;
 * they act until the network heals.
 */
final class SimNetwork {
    /** A node on the network; {@code from} is the principal that really sent the payload (twins are routed by it). */
    interface Receiver { void deliver(int from, Object payload); }

    private final EventQueue events;
    private final SplittableRandom rnd;
    private final FaultPlan plan;
    private final Receiver[] nodes;
    private final boolean[] cutOff;
    private final List<NetworkTap> taps = new ArrayList<>();
    private NetworkTap.TapContext tapContext;
    private final List<io.bulwark.bft.sim.adversary.MessageScheduler> schedulers = new ArrayList<>();
    private final List<Observer> observers = new ArrayList<>();
    /** Routes an attacker took over ([from][to]): what {@code from} sends to {@code to} goes to the attacker. */
    private final boolean[][] diverted;
    long sent, dropped, duplicated, injected, hijacked;
    /** Messages a {@link io.bulwark.bft.sim.adversary.MessageScheduler} held back, and their total extra delay. */
    long delayedByScheduler, scheduledDelayUs;

    /** Sees every message a node puts on the network, in the clear (coverage counting). */
    interface Observer { void sent(int from, int to, io.bulwark.bft.msg.Message m); }

    /** Sees every payload a node puts on the network, sealed as it travels ({@code m}: in the clear, null if unknown). */
    interface Wiretap { void sent(int from, int to, Object payload, io.bulwark.bft.msg.Message m); }

    private final List<Wiretap> wiretaps = new ArrayList<>();

    /** Adds a wiretap (a compromised replica's adversary sees what that replica sends and receives). */
    void wiretap(Wiretap w) { wiretaps.add(w); }

    /**
     * Delivers {@code payload} to {@code to} now, as sent by {@code from}, unless {@code to} is cut
     * off (then false): the adversary's own sends, whose fate it tallies itself.
     */
    boolean deliverNow(int from, int to, Object payload) {
        injected++;
        if (cutOff[to]) return false;
        nodes[to].deliver(from, payload);
        return true;
    }

    SimNetwork(EventQueue events, SplittableRandom rnd, FaultPlan plan, int principals) {
        this.events = events;
        this.rnd = rnd;
        this.plan = plan;
        this.nodes = new Receiver[principals];
        this.cutOff = new boolean[principals];
        this.diverted = new boolean[principals][principals];
    }

    /** An attacker holds {@code from}'s route to {@code to} (a replayed handshake was taken): it never heals. */
    void divert(int from, int to) { diverted[from][to] = true; }

    int principals() { return nodes.length; }

    void attach(int principal, Receiver r) { nodes[principal] = r; }

    /** Adds a link-level adversary; {@code ctx} gives it its own randomness and the forging rules of the links. */
    void tap(NetworkTap tap, NetworkTap.TapContext ctx) {
        taps.add(tap);
        tapContext = ctx;
    }

    /** Adds an adversary that owns message timing (targeted delays); it acts on every message it is given. */
    void schedule(io.bulwark.bft.sim.adversary.MessageScheduler s) { schedulers.add(s); }

    void observe(Observer o) { observers.add(o); }

    void setCutOff(int principal, boolean cut) {
        boolean was = cutOff[principal];
        cutOff[principal] = cut;
        // Back on the network: what the connections would carry first again (the peers' current NEW-KEYs).
        if (was && !cut) for (java.util.function.IntConsumer l : reconnected) l.accept(principal);
    }

    private final List<java.util.function.IntConsumer> reconnected = new ArrayList<>();

    /** {@code l} hears of every principal that comes back after being cut off or stopped. */
    void onReconnected(java.util.function.IntConsumer l) { reconnected.add(l); }

    /**
     * A replica's NEW-KEY: the first frame of every connection in the runtime, over TCP, so neither
     * dropped nor duplicated by a network fault — only lost when the receiver is unreachable, and then
     * sent again when it comes back ({@link #onReconnected}).
     */
    void sendKey(int from, int to, Object payload) {
        sent++;
        if (cutOff[from] || cutOff[to]) { dropped++; return; }
        schedule(from, to, payload, false, 0);
    }

    boolean isCutOff(int principal) { return cutOff[principal]; }

    /**
     * Transmits a core's {@link io.bulwark.bft.core.Action.Send} or {@code Multicast} through the
     * sender's link (a multicast is sealed once and goes to every replica but the sender).
     * Returns false for any other action, which the caller performs itself.
     */
    boolean transmit(int from, io.bulwark.bft.core.Action a, Link link, int replicas) {
        if (a instanceof io.bulwark.bft.core.Action.Send s) {
            send(from, s.to(), link.sealTo(s.to(), s.message()), s.message());
            return true;
        }
        if (a instanceof io.bulwark.bft.core.Action.Multicast m) {
            Object payload = link.sealMulticast(m.message());
            for (int j = 0; j < replicas; j++) if (j != from) send(from, j, payload, m.message());
            return true;
        }
        return false;
    }

    void send(int from, int to, Object payload) { send(from, to, payload, null); }

    /** As {@link #send(int, int, Object)}; {@code m} is the message in the clear, for schedulers and observers (null: unknown). */
    void send(int from, int to, Object payload, io.bulwark.bft.msg.Message m) {
        sent++;
        for (Wiretap w : wiretaps) w.sent(from, to, payload, m);
        long extra = 0;
        if (m != null) {
            for (Observer o : observers) o.sent(from, to, m);
            for (io.bulwark.bft.sim.adversary.MessageScheduler s : schedulers) extra += s.delayUs(from, to, m, events.now());
            if (extra > 0) { delayedByScheduler++; scheduledDelayUs += extra; }
        }
        // Link-level adversaries are the network misbehaving: like drops and duplicates, they stop when it heals.
        if (!taps.isEmpty() && events.now() < plan.healAt()) for (NetworkTap t : taps) t.onSend(from, to, payload, tapContext);
        if (diverted[from][to]) { hijacked++; return; }
        if (cutOff[from] || cutOff[to]) { dropped++; return; }
        boolean faulty = events.now() < plan.healAt();
        if (faulty && rnd.nextDouble() < plan.dropRate()) { dropped++; return; }
        schedule(from, to, payload, faulty, extra);
        if (faulty && rnd.nextDouble() < plan.duplicateRate()) {
            duplicated++;
            schedule(from, to, payload, true, extra);
        }
    }

    /** A payload put on the wire by a link-level adversary: it arrives after {@code delayUs} unless the receiver is cut off. */
    void inject(int from, int to, Object payload, long delayUs) {
        injected++;
        events.after(delayUs, () -> {
            if (!cutOff[to]) nodes[to].deliver(from, payload);
        });
    }

    private void schedule(int from, int to, Object payload, boolean faulty, long extra) {
        long latency = extra + plan.baseLatencyUs() + (long) (-Math.log(1 - rnd.nextDouble()) * plan.meanExtraLatencyUs());
        if (faulty && rnd.nextDouble() < plan.spikeRate()) latency += plan.spikeLatencyUs();
        events.after(latency, () -> {
            if (!cutOff[to]) nodes[to].deliver(from, payload);
            else dropped++;
        });
    }
}
