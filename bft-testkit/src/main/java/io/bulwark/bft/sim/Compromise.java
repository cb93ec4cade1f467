package io.bulwark.bft.sim;

import io.bulwark.bft.core.Ignored;
import io.bulwark.bft.core.RecoveryOp;
import io.bulwark.bft.crypto.Digest;
import io.bulwark.bft.crypto.Signatures;
import io.bulwark.bft.msg.Checkpoint;
import io.bulwark.bft.msg.Commit;
import io.bulwark.bft.msg.Message;
import io.bulwark.bft.msg.MessageType;
import io.bulwark.bft.msg.Prepare;
import io.bulwark.bft.msg.Reply;
import io.bulwark.bft.msg.Request;
import io.bulwark.bft.service.Service;
import io.bulwark.bft.sim.adversary.Adversary;
import io.bulwark.bft.sim.adversary.AdversaryPlan;
import io.bulwark.bft.sim.adversary.Coverage;
import io.bulwark.bft.sim.adversary.Lies;
import io.bulwark.bft.state.PartitionTree;
import io.bulwark.bft.wire.AuthKind;
import io.bulwark.bft.wire.Frame;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.TreeMap;
import java.util.function.Supplier;

/**
 * The compromised-replica adversary of a run (issue 12 item 6; paper sections 4.1, 4.4, 4.7): the
 * adversary controls one replica for a window — it sends through a Byzantine behaviour and sees
 * everything the replica sends and receives — then the watchdog reboots it. The replica comes back
 * from a saved state the adversary damaged, as a new process with new session keys, and recovers.
 * The adversary keeps the old process's keys (its link) and goes on sending with them for the rest
 * of the run: past messages replayed (the replica's own, to their receivers; other replicas', to
 * the rebooted one), new ones forged (votes and checkpoints to replicas, wrong replies to clients,
 * recovery requests in the victim's name with a timestamp far above its co-processor's counter, which
 * would pre-empt its real one), and the replica's old NEW-KEY replayed. Once that replica is clean — recovered, and every key it
 * shared refreshed: the other replicas' when they executed its recovery request, each client's at
 * its next refresh (modelled within {@link #KEY_PERIOD_US} of the reboot) — the adversary takes a
 * second replica the same way. Over the run two replicas were faulty, never more than one of them
 * at once: the window of vulnerability of section 4.7.
 * <p>
 * Oracles: every message the adversary sends under a key the receiver had replaced by a newer
 * NEW-KEY when it arrived must be rejected (counted by reason; one accepted is a safety violation);
 * a rebooted replica, once its recovery completed and it is neither fetching nor known corrupt, must
 * have every page at rest matching its digest and the group's state digest at its stable checkpoint
 * (it is correct again). A forged recovery request (the adversary has the session keys, never the
 * co-processor's key: section 4.4) that a replica's frame layer lets through must be refused by its
 * core ({@code FORGED_RECOVERY_REQUEST}), and no correct replica may ever execute one (its
 * timestamp in the client table). Needs the wire links (session keys); on plain links the windows, reboots
 * and damage happen, and nothing is sent under old keys.
 */
final class Compromise {
    /** The clients' key period in these runs (T_k): each refreshes within it after a reboot. */
    static final long KEY_PERIOD_US = 100_000;
    /** Messages the adversary sends under one stolen set of keys (it stops there: the run must end). */
    private static final int MESSAGES_PER_THEFT = 400;
    /** Forged recovery requests carry timestamps from here on: far above any co-processor counter of a run. */
    private static final long FORGED_RECOVERY_TIMESTAMP = 1L << 40;

    /** What the simulation lends the adversary. */
    record World(EventQueue events, SimNetwork net, Links linkMaker, List<Link> links, List<SimReplica> replicas, List<SimClient> clients,
                 SafetyMonitor safety, Coverage coverage, Supplier<Service> newService, long baseLatencyUs) {}

    private final World w;
    private final int n;
    private final SplittableRandom rnd;
    private final int[] victims;
    private final long firstAt;
    /** A control for the oracle: the reboot does not evict the adversary (it goes on reading the new process's keys). */
    private boolean stillInControl;
    /** A control for the oracle: the rebooted replica does not check its state (the damage stays unfound). */
    private boolean noStateCheck;

    private long windows, reboots, recovered, healed, sent, deliveredAfter, acceptedAfter, acceptedBefore, rejectedBefore, clientRefreshes;
    /** Forged recovery requests the receiver's frame layer let through (keys not yet replaced), and of those, refused by its core. */
    private long forgedRecoveries, forgedRecoveriesRefused;
    private final Map<String, Long> rejectedAfter = new TreeMap<>();

    /**
     * {@code victims}: the replicas to compromise in turn (the first is the plan's, the others free of
     * any other adversary); the first window opens at {@code firstAt} (simulated µs).
     */
    Compromise(World w, int n, int[] victims, long firstAt, SplittableRandom rnd) {
        this.w = w;
        this.n = n;
        this.victims = victims.clone();
        this.firstAt = firstAt;
        this.rnd = rnd;
    }

    /** The oracle's control (tests): after the reboot the adversary still reads the replica's keys, so it is never evicted. */
    Compromise stillInControl() {
        stillInControl = true;
        return this;
    }

    /** The other control (tests): rebooted replicas skip the check of their state. */
    Compromise withoutStateCheck() {
        noStateCheck = true;
        return this;
    }

    void start() { w.events().at(firstAt, () -> open(0)); }

    CompromiseReport report() {
        return new CompromiseReport(windows, reboots, recovered, healed, sent, deliveredAfter, acceptedAfter, Map.copyOf(rejectedAfter),
                acceptedBefore, rejectedBefore, clientRefreshes, windows > (n - 1) / 3 ? 1 : 0, forgedRecoveries, forgedRecoveriesRefused);
    }

    // ---- one window ----

    /** A message the adversary captured: its payload, its receiver and the receiver's key epoch when it was sealed. */
    private record Captured(int to, Object payload, long epoch) {}

    /** The adversary's hold on victim {@code k}: what it captured, its stolen link, and the epochs of the keys in it. */
    private final class Hold {
        final int victim;
        final List<Captured> fromVictim = new ArrayList<>(), toVictim = new ArrayList<>();
        Link stolen;
        /** Per principal: its NEW-KEY counter when the keys were stolen (the epoch of the key the victim held for it, or older). */
        long[] epochs;
        Object oldNewKey;
        long oldNewKeyCounter;
        boolean capturing = true;
        int left = MESSAGES_PER_THEFT;

        Hold(int victim) { this.victim = victim; }
    }

    private void open(int k) {
        if (k >= victims.length) return;
        int v = victims[k];
        SimReplica r = w.replicas().get(v);
        Hold hold = new Hold(v);
        windows++;
        w.coverage().acted(Adversary.COMPROMISED);
        r.compromise(List.of(AdversaryPlan.compromisedBehaviour(rnd)), rnd.split());
        w.net().wiretap((from, to, payload, m) -> capture(hold, from, to, payload, m));
        long end = w.events().now() + rnd.nextLong(30_000, 150_000);
        w.events().at(end, () -> {
            // The window ends: the watchdog's reboot. The keys in memory are the adversary's now.
            hold.capturing = false;
            hold.stolen = r.link();
            hold.epochs = new long[w.links().size()];
            for (int p = 0; p < hold.epochs.length; p++) hold.epochs[p] = w.links().get(p).newKeyCounter();
            hold.oldNewKey = hold.stolen.currentNewKey();
            hold.oldNewKeyCounter = hold.stolen.newKeyCounter();
            r.crash();
            w.events().after(rnd.nextLong(1_000, 50_000), () -> reboot(k, r, hold));
        });
    }

    private void capture(Hold hold, int from, int to, Object payload, Message m) {
        if (!hold.capturing || (from != hold.victim && to != hold.victim) || keyless(payload)) return;
        if (from == hold.victim) {
            Captured c = new Captured(to, payload, keyEpoch(senderOf(payload), to));
            if (hold.fromVictim.size() < 256) hold.fromVictim.add(c);
            else hold.fromVictim.set(rnd.nextInt(256), c);
        } else if (from < n) {
            Captured c = new Captured(to, payload, keyEpoch(senderOf(payload), to));
            if (hold.toVictim.size() < 128) hold.toVictim.add(c);
            else hold.toVictim.set(rnd.nextInt(128), c);
        }
    }

    private void reboot(int k, SimReplica r, Hold hold) {
        int v = hold.victim;
        reboots++;
        w.coverage().acted(Adversary.COMPROMISED);
        Link fresh = w.linkMaker().reboot(v, hold.stolen);
        List<Object> peerKeys = new ArrayList<>();
        if (fresh != null) {
            for (int p = 0; p < w.links().size(); p++) if (p != v && w.links().get(p).currentNewKey() != null) peerKeys.add(w.links().get(p).currentNewKey());
            w.links().set(v, fresh);
        }
        long[] countersAtReboot = new long[w.links().size()];
        for (int p = 0; p < countersAtReboot.length; p++) countersAtReboot[p] = w.links().get(p).newKeyCounter();
        SplittableRandom damage = rnd.split();
        int pages = 1 + damage.nextInt(4);
        r.rebootCompromised(w.newService().get(), fresh, peerKeys, x -> x.flipBits(pages, damage), !noStateCheck);
        long recoveriesBefore = r.core.recoveryCounts()[3];   // a new core: its recovery has just started
        // Each client's next key refresh (section 4.1; the recovering replica discarded the keys it shared with them).
        if (fresh != null) {
            for (SimClient c : w.clients()) {
                w.events().after(rnd.nextLong(1_000, KEY_PERIOD_US), () -> {
                    c.refreshKey();
                    clientRefreshes++;
                });
            }
            scheduleTheft(hold, r);
        }
        watch(k, r, recoveriesBefore, countersAtReboot, new boolean[1]);
    }

    /** Until the victim is clean: whether it recovered, then whether it is healed, then the next window. */
    private void watch(int k, SimReplica r, long recoveriesBefore, long[] countersAtReboot, boolean[] checked) {
        w.events().after(2_000, () -> {
            boolean done = r.core.recoveryCounts()[3] > recoveriesBefore;
            if (done && !checked[0] && !r.core.transferring() && !r.core.corrupt()) {
                Digest group = w.safety().digestAt(r.core.stableSeq());
                if (group != null || r.core.stableSeq() == 0) {
                    checked[0] = true;
                    recovered++;
                    if (healedCheck(r, group)) healed++;
                }
            }
            if (checked[0] && clean(r, countersAtReboot)) {
                w.events().after(rnd.nextLong(1_000, 50_000), () -> open(k + 1));
                return;
            }
            watch(k, r, recoveriesBefore, countersAtReboot, checked);
        });
    }

    /**
     * The replica is correct again: every page at rest hashes to its digest (no damage left
     * unfound) and its state digest at its stable checkpoint is the group's. A violation otherwise.
     */
    private boolean healedCheck(SimReplica r, Digest group) {
        int id = r.core.id();
        PartitionTree tree = r.state.tree();
        for (int p = 0; p < tree.pageCount(); p++) {
            if (tree.modifiedSinceCheckpoint(p)) continue;
            var leaf = tree.local(tree.leafLevel(), p);
            if (!PartitionTree.pageDigest(p, leaf.lm(), tree.read(p)).equals(leaf.digest())) {
                w.safety().violation("compromised replica " + id + " completed its recovery with page " + p + " still corrupt");
                return false;
            }
        }
        Digest mine = r.core.checkpointDigest(r.core.stableSeq());
        if (group != null && mine != null && !mine.equals(group)) {
            w.safety().violation("compromised replica " + id + " completed its recovery with state digest " + mine + " at stable checkpoint "
                    + r.core.stableSeq() + ", the group's " + group);
            return false;
        }
        return true;
    }

    /** Clean: every correct replica and every client refreshed the keys it shared with the victim since the reboot (recovered: see {@link #watch}). */
    private boolean clean(SimReplica victim, long[] countersAtReboot) {
        if (!w.links().get(victim.core.id()).modelsSessionKeys()) return true;   // plain links: no keys to refresh
        for (int p = 0; p < countersAtReboot.length; p++) {
            if (p == victim.core.id()) continue;
            if (p < n && !w.replicas().get(p).correct()) continue;
            if (p >= n && p - n >= w.clients().size()) continue;   // Byzantine clients are the adversary's anyway
            if (w.links().get(p).newKeyCounter() <= countersAtReboot[p]) return false;
        }
        return true;
    }

    // ---- the adversary's sends under the stolen keys ----

    private void scheduleTheft(Hold hold, SimReplica victim) {
        w.events().after(rnd.nextLong(500, 20_000), () -> {
            if (hold.left-- <= 0) return;
            steal(hold, victim);
            scheduleTheft(hold, victim);
        });
    }

    private void steal(Hold hold, SimReplica victim) {
        int v = hold.victim;
        Link keys = stillInControl ? w.links().get(v) : hold.stolen;
        int kind = rnd.nextInt(6);
        if (kind == 0 && !hold.fromVictim.isEmpty()) {
            // A past message of the victim's, to its receiver.
            Captured c = hold.fromVictim.get(rnd.nextInt(hold.fromVictim.size()));
            send(v, c.to, c.payload, c.epoch, "replayed");
        } else if (kind == 1 && !hold.toVictim.isEmpty()) {
            // A past message another replica sent the victim, to the rebooted victim: under its old receive keys.
            Captured c = hold.toVictim.get(rnd.nextInt(hold.toVictim.size()));
            send(senderOf(c.payload), v, c.payload, c.epoch, "replayed to the victim");
        } else if (kind == 2 && hold.oldNewKey != null) {
            int to = other(v);
            sendNewKey(v, to, hold.oldNewKey, hold.oldNewKeyCounter);
        } else if (kind == 5) {
            int to = other(v);
            forgeRecovery(keys, v, to, hold.epochs[to]);
        } else if (kind == 3 && !w.clients().isEmpty()) {
            // A wrong reply, as the victim, to a client.
            int c = n + rnd.nextInt(w.clients().size());
            long ts = rnd.nextLong(1, 1L << 20);
            Object payload = seal(keys, c, new Reply(victim.core.view(), ts, c, v, false, false, Lies.result(c, ts)));
            if (payload != null) send(v, c, payload, hold.epochs[c], "forged reply");
        } else {
            // A forged vote or checkpoint, as the victim, to a replica.
            int to = other(v);
            long seq = Math.max(1, victim.core.lastExecuted() + rnd.nextLong(-8, 8));
            Digest d = randomDigest();
            Message m = switch (rnd.nextInt(3)) {
                case 0 -> new Prepare(victim.core.view(), seq, d, v);
                case 1 -> new Commit(victim.core.view(), seq, d, v);
                default -> new Checkpoint(seq, d, v);
            };
            Object payload = seal(keys, to, m);
            if (payload != null) send(v, to, payload, hold.epochs[to], "forged");
        }
    }

    /**
     * A recovery request in the victim's name (section 4.4), MAC'd under the stolen keys, with a
     * timestamp far above the victim's co-processor counter: executed, it would make the victim's
     * real request a replay. The adversary cannot sign it (the co-processor's key never left it).
     */
    private void forgeRecovery(Link keys, int v, int to, long epoch) {
        byte[] signature = new byte[Signatures.SIGNATURE_LENGTH];
        rnd.nextBytes(signature);
        long ts = FORGED_RECOVERY_TIMESTAMP + rnd.nextLong(1L << 20);
        Request q = new Request(v, ts, false, Request.ALL_REPLY, new RecoveryOp(rnd.nextLong(0, 1_000), signature).encode(), null);
        Object payload = seal(keys, to, q);
        if (payload == null) return;
        sent++;
        w.events().after(w.baseLatencyUs() + rnd.nextLong(1, 2_000), () -> {
            long now = keyEpoch(v, to);
            SimReplica receiver = w.replicas().get(to);
            long refusedBefore = receiver.core.counters().ignored(Ignored.FORGED_RECOVERY_REQUEST);
            Delivery d = tally(v, to, payload, now > epoch, "forged recovery request under a key of epoch " + epoch + " (the receiver's is now " + now + ")");
            // Not delivered, refused by its MAC, or a receiver that is not correct (what it does is the adversary's business).
            if (d != Delivery.PASSED_THE_LINK || !receiver.correct()) return;
            forgedRecoveries++;
            if (receiver.core.counters().ignored(Ignored.FORGED_RECOVERY_REQUEST) > refusedBefore) forgedRecoveriesRefused++;
            else w.safety().violation("replica " + to + " let a forged recovery request in replica " + v + "'s name through to ordering");
        });
        // Whatever route it took, no correct replica may ever have executed it.
        w.events().after(100_000, () -> {
            for (SimReplica r : w.replicas())
                if (r.correct() && r.core.recoveryRequestTimestamp(v) >= FORGED_RECOVERY_TIMESTAMP)
                    w.safety().violation("replica " + r.core.id() + " executed a forged recovery request of replica " + v);
        });
    }

    private Object seal(Link keys, int to, Message m) {
        try {
            return keys.sealTo(to, m);
        } catch (IllegalArgumentException | IllegalStateException e) {
            return null;   // no key for that receiver in the stolen ring
        }
    }

    /** A replica other than {@code v}. */
    private int other(int v) {
        int j = rnd.nextInt(n - 1);
        return j >= v ? j + 1 : j;
    }

    private Digest randomDigest() {
        byte[] b = new byte[Digest.LENGTH];
        rnd.nextBytes(b);
        return new Digest(b);
    }

    /**
     * A frame no session key authenticates: DATA (state-transfer pages, checked against digests) and a
     * BIND-CHALLENGE carry no MAC, whoever replays them; requests carry theirs in the body.
     */
    private static boolean keyless(Object payload) {
        return payload instanceof byte[] f && f.length > Frame.OFF_AUTH_KIND && f[Frame.OFF_AUTH_KIND] == AuthKind.NONE.code
                && f[Frame.OFF_TYPE] != MessageType.REQUEST.code();
    }

    /** The sender a frame's header names (bytes 2..5); 0 for a plain link's record. */
    private static int senderOf(Object payload) {
        if (payload instanceof byte[] f && f.length > 6) return (f[2] & 0xff) << 24 | (f[3] & 0xff) << 16 | (f[4] & 0xff) << 8 | (f[5] & 0xff);
        return 0;
    }

    /**
     * Sends {@code payload} to {@code to} in {@code from}'s name, sealed under a key of epoch
     * {@code epoch} (the NEW-KEY counter of the receiver's that carried it, or an upper bound of it).
     * When it arrives the receiver either has replaced that key (its own NEW-KEY counter is above
     * {@code epoch}): it must reject it; or not: what it does is the victim's fault, as before the reboot.
     */
    private void send(int from, int to, Object payload, long epoch, String what) {
        sent++;
        w.events().after(w.baseLatencyUs() + rnd.nextLong(1, 2_000), () -> {
            long now = keyEpoch(senderOf(payload), to);
            tally(from, to, payload, now > epoch, what + " message under a key of epoch " + epoch + " (the receiver's is now " + now + ")");
        });
    }

    /**
     * The epoch of the key {@code to} checks a frame in {@code sender}'s name with: the counter of the
     * NEW-KEY that installed it there. Between replicas the receiver chose it (its own NEW-KEY); between
     * a client and a replica the client did, and it counts at a replica once that replica accepted it.
     */
    private long keyEpoch(int sender, int to) {
        Link receiver = w.links().get(to);
        return to < n && sender >= n ? receiver.lastNewKeyCounterFrom(sender) : receiver.newKeyCounter();
    }

    /** A replay of the victim's old NEW-KEY: replaced once the receiver accepted a newer one from the victim. */
    private void sendNewKey(int from, int to, Object payload, long counter) {
        sent++;
        w.events().after(w.baseLatencyUs() + rnd.nextLong(1, 2_000), () -> {
            Link receiver = w.links().get(to);
            boolean replaced = receiver.lastNewKeyCounterFrom(from) > counter;
            tally(from, to, payload, replaced, "replayed NEW-KEY " + counter + " (last accepted " + receiver.lastNewKeyCounterFrom(from) + ")");
        });
    }

    /** What became of a message the adversary sent: not delivered (receiver stopped or cut off), refused by the receiver's frame layer, or passed it. */
    private enum Delivery { NOT_DELIVERED, REFUSED_BY_THE_LINK, PASSED_THE_LINK }

    private Delivery tally(int from, int to, Object payload, boolean replaced, String what) {
        Link receiver = w.links().get(to);
        Map<String, Long> before = receiver.rejectionCounts();
        long rejectedBefore = receiver.rejected();
        // A stopped replica (or one cut off) takes nothing in: neither accepted nor rejected.
        if (to < n && w.replicas().get(to).stopped()) return Delivery.NOT_DELIVERED;
        if (!w.net().deliverNow(from, to, payload)) return Delivery.NOT_DELIVERED;
        boolean rejected = receiver.rejected() > rejectedBefore;
        if (!replaced) {
            if (rejected) this.rejectedBefore++;
            else acceptedBefore++;
            return rejected ? Delivery.REFUSED_BY_THE_LINK : Delivery.PASSED_THE_LINK;
        }
        deliveredAfter++;
        if (!rejected) {
            acceptedAfter++;
            w.safety().violation((to < n ? "replica " : "client ") + to + " accepted a " + what + " in replica " + from + "'s name, after the NEW-KEY that replaced it");
            return Delivery.PASSED_THE_LINK;
        }
        w.coverage().acted(Adversary.COMPROMISED);
        Map<String, Long> after = receiver.rejectionCounts();
        String reason = "OTHER";
        for (var e : after.entrySet()) if (e.getValue() > before.getOrDefault(e.getKey(), 0L)) { reason = e.getKey(); break; }
        rejectedAfter.merge(reason, 1L, Long::sum);
        return Delivery.REFUSED_BY_THE_LINK;
    }
}
