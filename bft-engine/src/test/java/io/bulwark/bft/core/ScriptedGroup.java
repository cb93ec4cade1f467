package io.bulwark.bft.core;

import io.bulwark.bft.config.ProtocolConfig;
import io.bulwark.bft.crypto.CoProcessorException;
import io.bulwark.bft.crypto.InMemoryCoProcessor;
import io.bulwark.bft.crypto.SignedCounter;
import io.bulwark.bft.crypto.Signatures;
import io.bulwark.bft.msg.Message;
import io.bulwark.bft.msg.Request;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Predicate;

/**
 * A replica group whose schedule a test writes by hand: the real {@link Replica} cores of the
 * correct replicas, a network that delivers nothing on its own (every message waits in
 * {@link #inFlight} until the test delivers or drops it), and a register service executed at once.
 * The faulty replicas have no core: the test sends what they send, crafted message by message.
 * <p>
 * Used for schedules the simulator found hard to reach (issues 17 and 18): the test is the
 * adversary, choosing exactly which message arrives when.
 */
final class ScriptedGroup {
    /** A message on its way from one principal to another. */
    record Envelope(int from, int to, Message message) {}

    final ProtocolConfig cfg;
    final int n;
    final int f;
    final long now = 1_000_000;
    /** Null at a faulty replica. */
    final Replica[] replicas;
    /** Per correct replica: the register value of its service. */
    private final String[] register;
    /** Per correct replica: the requests it executed at each sequence number, as "client:timestamp" (empty: a null request). */
    final List<Map<Long, List<String>>> executed = new ArrayList<>();
    final List<Envelope> inFlight = new ArrayList<>();
    /** Replies and other messages sent to clients, in order. */
    final List<Envelope> toClients = new ArrayList<>();
    /** Per correct replica, the latest deadline it set for each timer kind. */
    private final Map<TimerKind, Long>[] timers;
    /** Per correct replica: the replicas whose recovery made it refresh its keys (section 4.4), in order. */
    final List<List<Integer>> keysRefreshedFor = new ArrayList<>();
    /** Per correct replica: the checkpoints whose state a state transfer installed (section 4.6.2), in order. */
    final List<List<Long>> stateReplaced = new ArrayList<>();
    /** Per correct replica, when {@link #journaled}: what it persisted (issue 12), in order; durable at once. */
    final List<List<LogEntry>> journals = new ArrayList<>();
    private boolean journaled;
    /** Per replica: its co-processor, which signs its recovery requests (section 4.4); a test may replace one (a counter that went back). */
    final InMemoryCoProcessor[] coProcessors;

    @SuppressWarnings("unchecked")
    ScriptedGroup(int f, int... faulty) {
        this.cfg = ProtocolConfig.defaults(f).withCheckpointInterval(8, 16);
        this.n = cfg.n();
        this.f = f;
        this.replicas = new Replica[n];
        this.register = new String[n];
        this.timers = new Map[n];
        this.coProcessors = new InMemoryCoProcessor[n];
        byte[][] signers = new byte[n][];
        for (int i = 0; i < n; i++) {
            coProcessors[i] = new InMemoryCoProcessor(coProcessorKey(i));
            signers[i] = coProcessors[i].publicKey();
        }
        for (int i = 0; i < n; i++) {
            executed.add(new TreeMap<>());
            stateReplaced.add(new ArrayList<>());
            journals.add(new ArrayList<>());
            keysRefreshedFor.add(new ArrayList<>());
            timers[i] = new TreeMap<>();
            final int id = i;
            if (Arrays.stream(faulty).anyMatch(x -> x == id)) continue;
            replicas[i] = new Replica(i, cfg);
            replicas[i].coProcessorKeys(signers);
            register[i] = "";
            replicas[i].start(now);
            collect(i);
        }
    }

    boolean correct(int i) { return replicas[i] != null; }

    /** A group whose correct replicas keep journals (issue 12): {@link #journals} holds what each persisted. */
    static ScriptedGroup journaled(int f) {
        ScriptedGroup g = new ScriptedGroup(f);
        g.journaled = true;
        for (int i = 0; i < g.n; i++) g.restart(i, List.of());
        return g;
    }

    /**
     * Replica {@code i} restarts (a power loss, a reboot): a new core that replays {@code journal} (empty:
     * a replica that lost its disk) and starts, as the driver does — every start a recovery (section 4.4).
     * Its service state is kept (the register stands for a saved state); messages in flight stay.
     */
    void restart(int i, List<LogEntry> journal) {
        Replica r = new Replica(i, cfg);
        byte[][] signers = new byte[n][];
        for (int j = 0; j < n; j++) signers[j] = coProcessors[j].publicKey();
        r.coProcessorKeys(signers);
        r.journaled(journaled);
        for (LogEntry e : journal) r.replay(now, e);
        r.replayed(now);
        replicas[i] = r;
        journals.set(i, new ArrayList<>(journal));
        timers[i].clear();
        r.start(now);
        r.recover(now, 1000 + i);
        collect(i);
    }

    /** Delivers everything and fires every replica's STATUS timer, {@code rounds} times: retransmission runs its course. */
    void settle(int rounds) {
        for (int k = 0; k < rounds; k++) {
            deliver(all());
            for (int i = 0; i < n; i++) if (correct(i) && hasTimer(i, TimerKind.STATUS)) fire(i, TimerKind.STATUS);
        }
        deliver(all());
    }

    /** Replica {@code i}'s co-processor signing key (fixed: the scripts are deterministic). */
    static byte[] coProcessorKey(int i) {
        byte[] k = new byte[Signatures.KEY_LENGTH];
        Arrays.fill(k, (byte) (0x40 + i));
        return k;
    }

    /** A write of the register (client {@code client}, timestamp {@code ts}). */
    static Request write(int client, long ts, String value) {
        return new Request(client, ts, false, 0, ("w" + value).getBytes(StandardCharsets.UTF_8), new byte[0]);
    }

    /** A read-only read of the register; every replica sends the full result. */
    static Request read(int client, long ts) {
        return new Request(client, ts, true, Request.ALL_REPLY, "r".getBytes(StandardCharsets.UTF_8), new byte[0]);
    }

    /** What the service returns: the register's value after the operation. */
    private String apply(int replica, Request r) {
        String op = new String(r.operation(), StandardCharsets.UTF_8);
        if (op.startsWith("w") && !r.readOnly()) register[replica] = op.substring(1);
        return register[replica];
    }

    String register(int replica) { return register[replica]; }

    /** A message from {@code from} (a client or a faulty replica) to {@code to}, in flight. */
    void send(int from, int to, Message m) { inFlight.add(new Envelope(from, to, m)); }

    /** The same message from {@code from} to every replica but itself. */
    void multicast(int from, Message m) {
        for (int j = 0; j < n; j++) if (j != from) send(from, j, m);
    }

    /**
     * Delivers, in order, every message in flight that {@code which} selects — including the ones
     * those deliveries cause — until none is selected. Messages to faulty replicas are dropped.
     */
    void deliver(Predicate<Envelope> which) {
        for (int guard = 0; guard < 1_000_000; guard++) {
            Envelope e = null;
            for (Iterator<Envelope> it = inFlight.iterator(); it.hasNext(); ) {
                Envelope x = it.next();
                if (x.to < n && !correct(x.to)) { it.remove(); continue; }
                if (which.test(x)) { e = x; it.remove(); break; }
            }
            if (e == null) return;
            replicas[e.to].receive(now, e.from, e.message);
            collect(e.to);
        }
        throw new AssertionError("the schedule does not settle");
    }

    /** Drops every message in flight that {@code which} selects. */
    void drop(Predicate<Envelope> which) { inFlight.removeIf(which); }

    /** Whether replica {@code i} has set a timer of this kind. */
    boolean hasTimer(int i, TimerKind kind) { return timers[i].containsKey(kind); }

    /** Every message in flight that {@code which} selects, in order (left in flight). */
    List<Envelope> inFlight(Predicate<Envelope> which) {
        List<Envelope> l = new ArrayList<>();
        for (Envelope e : inFlight) if (which.test(e)) l.add(e);
        return l;
    }

    /** Messages sent to clients that {@code which} selects. */
    List<Envelope> toClients(Predicate<Envelope> which) {
        List<Envelope> l = new ArrayList<>();
        for (Envelope e : toClients) if (which.test(e)) l.add(e);
        return l;
    }

    /** Fires replica {@code i}'s timer of this kind at the deadline it set (if it set one). */
    void fire(int i, TimerKind kind) {
        Long deadline = timers[i].get(kind);
        if (deadline == null) throw new AssertionError("replica " + i + " set no " + kind + " timer");
        replicas[i].timeout(Math.max(now, deadline), kind);
        collect(i);
    }

    /**
     * The view-change timers of {@code ids} run out together: each suspects the primary (SUSPECT,
     * issue 15 item 3) and their SUSPECTs (and any already in flight to them) reach each other, so
     * with 2f+1 suspicions they leave the view (their VIEW-CHANGEs are then in flight). SUSPECTs to
     * replicas outside {@code ids} are dropped, so a scenario decides who takes part.
     */
    void timeOutTogether(int... ids) {
        java.util.Set<Integer> set = new java.util.HashSet<>();
        for (int i : ids) set.add(i);
        for (int i : ids) fire(i, TimerKind.VIEW_CHANGE);
        deliver(e -> e.message() instanceof io.bulwark.bft.msg.Suspect && set.contains(e.to()));
        drop(e -> e.message() instanceof io.bulwark.bft.msg.Suspect);
    }

    /** Performs replica {@code i}'s actions: messages go in flight, executions run at once. */
    void collect(int i) {
        Replica r = replicas[i];
        for (int round = 0; round < 10_000; round++) {
            List<ReplicaAction> actions = r.ready();
            if (actions.isEmpty()) return;
            for (Action a : actions) {
                if (a instanceof Action.Send s) send(i, s.to(), s.message());
                else if (a instanceof Action.Multicast m) multicast(i, m.message());
                else if (a instanceof Action.SetTimer t) timers[i].put(t.kind(), t.deadline());
                else if (a instanceof ReplicaAction.Persist p) journals.get(i).add(p.entry());
                else if (a instanceof ReplicaAction.Execute e) {
                    List<String> ids = new ArrayList<>();
                    List<byte[]> results = new ArrayList<>();
                    for (Request q : e.requests()) {
                        ids.add(q.client() + ":" + q.timestamp());
                        results.add(apply(i, q).getBytes(StandardCharsets.UTF_8));
                    }
                    List<String> prior = executed.get(i).put(e.seq(), ids);
                    if (prior != null && !prior.equals(ids))
                        throw new AssertionError("replica " + i + " executed seq " + e.seq() + " twice: " + prior + " then " + ids);
                    r.executed(now, e.seq(), results);
                } else if (a instanceof ReplicaAction.ExecuteReadOnly ro) {
                    r.executedReadOnly(now, ro.request(), apply(i, ro.request()).getBytes(StandardCharsets.UTF_8));
                } else if (a instanceof ReplicaAction.RefreshKeys k) {
                    // The driver would multicast a NEW-KEY here; the core hears that it did.
                    keysRefreshedFor.get(i).add(k.recovering());
                    r.keysRefreshed(now);
                } else if (a instanceof ReplicaAction.SignRecovery sr) {
                    try {
                        SignedCounter signed = coProcessors[i].sign(sr.payload());
                        r.recoverySigned(now, signed.counter(), signed.signature());
                    } catch (CoProcessorException e) {
                        throw new AssertionError(e);
                    }
                } else if (a instanceof ReplicaAction.StateReplaced sr) {
                    // The register lives outside the replicated pages, so a transfer cannot bring it:
                    // the test asks for it only at replicas that executed everything themselves.
                    stateReplaced.get(i).add(sr.seq());
                    register[i] = "?";
                } else {
                    throw new AssertionError("unexpected action " + a);
                }
            }
            // Client-bound messages move out of the network's way.
            for (Iterator<Envelope> it = inFlight.iterator(); it.hasNext(); ) {
                Envelope x = it.next();
                if (x.to >= n) { toClients.add(x); it.remove(); }
            }
        }
        throw new AssertionError("replica " + i + " does not settle");
    }

    /**
     * The safety invariant of section 4 (and the simulator's per-step check): correct replicas that
     * executed a sequence number executed the same requests there. Returns a description of the
     * first difference, or null.
     */
    String divergence() {
        Map<Long, List<String>> seen = new TreeMap<>();
        Map<Long, Integer> by = new TreeMap<>();
        for (int i = 0; i < n; i++) {
            if (!correct(i)) continue;
            for (var e : executed.get(i).entrySet()) {
                List<String> other = seen.putIfAbsent(e.getKey(), e.getValue());
                if (other == null) { by.put(e.getKey(), i); continue; }
                if (!other.equals(e.getValue()))
                    return "seq " + e.getKey() + ": replica " + by.get(e.getKey()) + " executed " + other + ", replica " + i + " executed " + e.getValue();
            }
        }
        return null;
    }

    /** Selects messages of this type. */
    static Predicate<Envelope> type(Class<? extends Message> c) { return e -> c.isInstance(e.message); }

    static Predicate<Envelope> from(int i) { return e -> e.from == i; }

    static Predicate<Envelope> to(int i) { return e -> e.to == i; }

    /** Everything: deliver until the network is quiet. */
    static Predicate<Envelope> all() { return e -> true; }
}
