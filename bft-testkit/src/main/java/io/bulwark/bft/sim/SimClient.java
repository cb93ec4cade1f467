package io.bulwark.bft.sim;

import io.bulwark.bft.config.ProtocolConfig;
import io.bulwark.bft.core.Action;
import io.bulwark.bft.core.ClientAction;
import io.bulwark.bft.core.ClientCore;
import io.bulwark.bft.core.TimerKind;
import io.bulwark.bft.service.KvOps;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/**
 * A simulated correct client. With the built-in workload it drives the key-value service: puts of
 * unique values, ordered gets and read-only gets on a small set of keys (to make operations
 * contend), recorded in the history. With a {@link Workload} it sends that workload's operations and
 * lets the workload judge each certified result.
 */
final class SimClient implements SimNetwork.Receiver {
    private ClientCore core;
    private final Link link;
    private final EventQueue events;
    private final SimNetwork net;
    private final SplittableRandom rnd;
    private final History history;
    private final int keys;
    private final int n;
    private final long thinkUs;
    private final Runnable onComplete;
    /** The workload's script, or null for the built-in key-value operations. */
    private final Workload.ClientScript script;
    private final SafetyMonitor safety;
    private final List<Action> scratch = new ArrayList<>();
    private final long[] timerDeadline = new long[TimerKind.values().length];
    /**
     * Short-lived clients (issue 15 item 2): each session is a new process under this client id —
     * fresh session keys sent in a NEW-KEY over the (delaying) network, a new core, this many
     * requests, then gone. 0: one client for the whole run, with the keys set up before it.
     */
    private final int sessionRequests;
    private int sessionLeft;
    /** Bumped per session: timers of an earlier one do not fire into the new core. */
    private int session;
    private Object newKeyPayload;
    long sessions;
    private int remaining;
    private History.Op current;
    /** When the outstanding operation was invoked (simulated µs), or -1 when none is. */
    private long invokedAtUs = -1;
    private final Runnable onInvoke;
    private long writeCounter;
    /** Issue 17: read a key right after a write to it completes, while slow replicas may not have it yet. */
    private final boolean readsAfterWrites;
    private int readAfterWriteKey = -1;
    long completed;

    SimClient(int id, ProtocolConfig cfg, Link link, EventQueue events, SimNetwork net, SplittableRandom rnd,
              History history, int keys, int requests, long thinkUs, Runnable onInvoke, Runnable onComplete,
              Workload.ClientScript script, SafetyMonitor safety, boolean readsAfterWrites, int sessionRequests) {
        this.sessionRequests = sessionRequests;
        java.util.Arrays.fill(timerDeadline, -1);
        this.onInvoke = onInvoke;
        this.readsAfterWrites = readsAfterWrites;
        this.core = new ClientCore(id, cfg, 0);
        this.link = link;
        this.events = events;
        this.net = net;
        this.rnd = rnd;
        this.history = history;
        this.keys = keys;
        this.n = cfg.n();
        this.remaining = requests;
        this.thinkUs = thinkUs;
        this.onComplete = onComplete;
        this.script = script;
        this.safety = safety;
        // A replica coming back gets our current NEW-KEY first, as the client's new TCP connection to
        // it carries it (BftClient sends it on every connection): before, a replica that was cut off
        // while the NEW-KEY went by could not authenticate this correct client's requests when they
        // came in a pre-prepare, and counted an AUTH-FAILURE against it.
        net.onReconnected(j -> { if (j < n && newKeyPayload != null) net.sendKey(core.id(), j, newKeyPayload); });
    }

    int id() { return core.id(); }

    boolean done() { return remaining == 0 && !core.busy(); }

    boolean busy() { return core.busy(); }

    /** When the operation outstanding was invoked (simulated µs), or -1. */
    long invokedAtUs() { return invokedAtUs; }

    void start() { events.after(rnd.nextLong(1 + thinkUs), this::next); }

    private long clock() { return events.now() / 1000; }

    /** A new process under this client id: fresh keys, announced to every replica; requests wait for the KEY-ACKs. */
    private void startSession() {
        Link.NewKeyPayload k = link.refreshKey();
        newKeyPayload = k.payload();
        // Timestamps go on above the last process's, as BftClient's clock-based ones do.
        core = new ClientCore(core.id(), core.config(), core.lastTimestamp());
        session++;
        sessions++;
        sessionLeft = sessionRequests;
        java.util.Arrays.fill(timerDeadline, -1);
        for (int j = 0; j < n; j++) net.send(core.id(), j, newKeyPayload);
        core.newKey(clock(), k.counter());
    }

    /** Key refreshes made by {@link #refreshKey}. */
    long keyRefreshes;

    /**
     * The client's key refresh (section 4.1, every T_k): fresh keys in a NEW-KEY to every replica,
     * the same process. Requests wait for the KEY-ACKs; from now on messages under the old keys —
     * replies MAC'd with them, as an adversary that stole a replica's keys would send — fail here.
     */
    void refreshKey() {
        Link.NewKeyPayload k = link.refreshKey();
        newKeyPayload = k.payload();
        keyRefreshes++;
        for (int j = 0; j < n; j++) net.send(core.id(), j, newKeyPayload);
        core.newKey(clock(), k.counter());
        drive();
    }

    private void next() {
        if (remaining == 0) return;
        remaining--;
        if (sessionRequests > 0) {
            if (sessionLeft == 0) startSession();
            sessionLeft--;
        }
        invokedAtUs = events.now();
        onInvoke.run();
        if (script != null) {
            Workload.Operation op = script.next(events.now());
            core.invoke(clock(), op.bytes(), op.readOnly());
            drive();
            return;
        }
        int key = rnd.nextInt(keys);
        int kind = rnd.nextInt(10);
        if (readAfterWriteKey >= 0) {
            key = readAfterWriteKey;
            kind = 9;   // a read-only get of the key just written
            readAfterWriteKey = -1;
        }
        byte[] k = ("k" + key).getBytes();
        if (kind < 5) {
            // Unique values: (client id, counter) so a read names the write it saw.
            long value = ((long) core.id() << 32) | ++writeCounter;
            current = history.invoke(core.id(), key, new RegisterModel.Write(value), events.now());
            core.invoke(clock(), KvOps.put(k, ByteBuffer.allocate(8).putLong(value).array()), false);
        } else {
            current = history.invoke(core.id(), key, RegisterModel.READ, events.now());
            core.invoke(clock(), KvOps.get(k), kind >= 8);
        }
        drive();
    }

    @Override public void deliver(int from, Object payload) {
        Link.Received r = link.open(payload);
        if (r == null || r.isKey()) return;
        core.receive(clock(), r.from(), r.message());
        drive();
    }

    private void drive() {
        core.drainTo(scratch);
        for (int i = 0; i < scratch.size(); i++) perform(scratch.get(i));
        scratch.clear();
    }

    /**
     * A control of the oracle that fails a correct client taken for an attacker (Simulation.run):
     * this client's requests authenticate at replica 0 only, as a big-MAC client's would, while the
     * simulator still counts it correct.
     */
    boolean macsValidAtReplicaZeroOnly;

    private void perform(Action a) {
        if (macsValidAtReplicaZeroOnly && a instanceof Action.Multicast m && m.message() instanceof io.bulwark.bft.msg.Request q) {
            Object spoilt = link.sealRequestValidAt(q, 1L);
            for (int j = 0; j < n; j++) net.send(core.id(), j, spoilt, q);
            return;
        }
        if (net.transmit(core.id(), a, link, n)) return;
        if (a instanceof Action.SetTimer t) {
            long deadline = t.deadline();
            int k = t.kind().ordinal();
            int life = session;
            timerDeadline[k] = deadline;
            events.at(deadline * 1000, () -> {
                if (timerDeadline[k] != deadline || life != session) return;
                timerDeadline[k] = -1;
                core.timeout(clock(), t.kind());
                drive();
            });
        } else if (a instanceof ClientAction.SendNewKey k) {
            net.send(core.id(), k.replica(), newKeyPayload);
        } else if (a instanceof ClientAction.Complete c) {
            timerDeadline[TimerKind.CLIENT_RETRANSMIT.ordinal()] = -1;
            invokedAtUs = -1;
            if (script != null) {
                String wrong = script.completed(c.result(), events.now());
                if (wrong != null) safety.violation("client " + core.id() + " got an unacceptable result: " + wrong);
            } else {
                // Every operation is in the history, read-only ones (and those ClientCore fell back to
                // ordering) included; a write's output is its result too (0: OK).
                history.complete(current, observed(c.result()), events.now());
                if (readsAfterWrites && current.input instanceof RegisterModel.Write && rnd.nextInt(4) != 0) readAfterWriteKey = current.key;
            }
            completed++;
            onComplete.run();
            // The next operation starts at least 1 us later: the checker takes equal times as concurrent.
            if (readAfterWriteKey >= 0) events.after(1, this::next);
            else events.after(1 + rnd.nextLong(1 + thinkUs), this::next);
        } else {
            throw new IllegalStateException("a client cannot perform " + a);
        }
    }

    /** The value a GET result names (0 for absent or a PUT's OK, the unique value otherwise), -2 for anything else. */
    private static long observed(byte[] result) {
        if (result.length == 1 && result[0] == KvOps.OK) return 0;
        if (result.length == 9 && result[0] == KvOps.VALUE) return ByteBuffer.wrap(result, 1, 8).getLong();
        return -2;
    }
}
