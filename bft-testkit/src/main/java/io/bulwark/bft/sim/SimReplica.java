package io.bulwark.bft.sim;

import io.bulwark.bft.config.ProtocolConfig;
import io.bulwark.bft.core.Action;
import io.bulwark.bft.core.LogEntry;
import io.bulwark.bft.core.ReplicaAction;
import io.bulwark.bft.core.Replica;
import io.bulwark.bft.core.TimerKind;
import io.bulwark.bft.crypto.CoProcessorException;
import io.bulwark.bft.crypto.InMemoryCoProcessor;
import io.bulwark.bft.crypto.SignedCounter;
import io.bulwark.bft.msg.Request;
import io.bulwark.bft.service.Service;
import io.bulwark.bft.state.ReplicatedState;
import io.bulwark.bft.sim.adversary.Adversary;
import io.bulwark.bft.sim.adversary.Coverage;
import io.bulwark.bft.sim.adversary.Outgoing;
import io.bulwark.bft.sim.adversary.ReplicaBehaviour;
import io.bulwark.bft.sim.adversary.ReplicaContext;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.SplittableRandom;

/**
 * A replica in the simulator: the pure core, a service on its paged state, and the driver loop that
 * performs actions. A Byzantine replica has {@link ReplicaBehaviour}s: the messages its correct core
 * sends pass through them before they are sealed with its keys. Only correct replicas report their
 * executions and checkpoints to the {@link SafetyMonitor}.
 */
final class SimReplica implements SimNetwork.Receiver, ReplicaContext {
    Replica core;
    ReplicatedState state;
    private Service service;
    /** Bumped by a restart: timers the previous core set do not fire into the new one. */
    private int incarnation;
    /** Replaced by a reboot of a compromised replica ({@link #rebootCompromised}): a new process, new session keys. */
    private Link link;
    private final EventQueue events;
    private final SimNetwork net;
    private final SafetyMonitor safety;
    private final int n;
    private final long clockSkewMs;
    private final long[] timerDeadline = new long[TimerKind.values().length];
    private final EnumSet<TimerKind> missedTimers = EnumSet.noneOf(TimerKind.class);
    private final List<Action> work = new ArrayList<>();
    private final ProtocolConfig cfg;
    /** Not final: a compromised replica is Byzantine for a window only ({@link #compromise}). */
    private List<ReplicaBehaviour> behaviours;
    private SplittableRandom adversaryRandom;
    private final Coverage coverage;
    private boolean stopped;
    /** The disk: survives crashes (see {@link #restartFromSavedCheckpoint}, {@link #powerLoss}). */
    final SimJournal journal = new SimJournal();
    /** A test of the oracles: restarts ignore the journal, as replicas did before issue 12. */
    boolean forgetJournal;
    /** How long an fsync takes (µs; 0: entries are durable when written) and the randomness of torn writes. */
    private long fsyncUs;
    private SplittableRandom disk;
    /** Sends waiting for the fsync of the entries persisted before them (the Persist contract), in order. */
    private final java.util.ArrayDeque<HeldSend> held = new java.util.ArrayDeque<>();
    private record HeldSend(Action action, long durableAt) {}
    /** The journal's end after the last entry that gates PREPAREs ({@link LogEntry#gatesPrepares}). */
    private long gateEnd;
    /** Pre-prepares refused as possibly voted on before a crash, by this replica's earlier incarnations. */
    private long forgottenBefore, withheldBefore;

    /** Pre-prepares this replica refused, over its incarnations, at numbers where it may have voted before a crash. */
    long forgottenVotes() { return forgottenBefore + core.counters().ignored(io.bulwark.bft.core.Ignored.VOTE_FORGOTTEN); }
    /** Times this replica, as a restarted primary, withheld proposals in the view it may have proposed in and forgotten. */
    long proposalsWithheld() { return withheldBefore + core.proposalsWithheld(); }
    /** Entries persisted in the current drive: the sends after them wait for their fsync. */
    private boolean persistedInDrive;
    /**
     * Committed records written that no fsync covers yet (LogEntry.syncAtOnce): as the node, they ride with the
     * next fsync, and get one of their own LogEntry.RIDING_SYNC_AFTER_MS after the first was written.
     */
    private boolean entriesRiding;
    private long ridingEpisode;
    long executedRequests;
    /** The NEW-KEY of our last key refresh (null: none yet), sent again to a principal that comes back. */
    private Object currentNewKey;
    /** The co-processor that signs this replica's recovery requests: its key and counter survive every restart (section 4.1). */
    private final InMemoryCoProcessor coProcessor;
    /** Every replica's co-processor public key, given to each new core (cluster.conf's, for a node). */
    private final byte[][] coProcessorKeys;
    /** Recoveries started (every restart), and key refreshes made because another replica recovered. */
    long recoveriesStarted, keyRefreshesForRecoveries;
    /** Restarts that replayed journal entries. */
    long journalReplays;
    /** Executions the service failed with something it let through (an Error): this replica's fault, repaired by transfer. */
    long failedExecutions;
    /** Messages a behaviour produced that the link could not seal (e.g. a mutation the codec refuses). */
    long unsealable;

    SimReplica(int id, ProtocolConfig cfg, Service service, int pages, int maxClients, Link link, EventQueue events, SimNetwork net,
               SafetyMonitor safety, long clockSkewMs) {
        this(id, cfg, service, pages, maxClients, link, events, net, safety, clockSkewMs, List.of(), null, new Coverage());
    }

    /** A Byzantine replica when {@code behaviours} is not empty: not checked by {@code safety}. */
    SimReplica(int id, ProtocolConfig cfg, Service service, int pages, int maxClients, Link link, EventQueue events, SimNetwork net,
               SafetyMonitor safety, long clockSkewMs, List<ReplicaBehaviour> behaviours, SplittableRandom adversaryRandom,
               Coverage coverage) {
        this.coverage = coverage;
        this.state = new ReplicatedState(pages, maxClients);
        this.core = new Replica(id, cfg, state);
        core.journaled(true);   // every simulated replica has a disk (issue 12)
        this.coProcessor = new InMemoryCoProcessor(SimCoProcessors.privateKey(id));
        this.coProcessorKeys = SimCoProcessors.publicKeys(cfg.n());
        core.coProcessorKeys(coProcessorKeys);
        this.cfg = cfg;
        this.behaviours = List.copyOf(behaviours);
        this.adversaryRandom = adversaryRandom;
        this.service = service;
        this.link = link;
        this.events = events;
        this.net = net;
        this.safety = safety;
        this.n = cfg.n();
        this.clockSkewMs = clockSkewMs;
        service.init(state.service());
        listenForClientKeys();
    }

    /** A client's new key: its requests waiting in a parked pre-prepare are checked again. */
    private void listenForClientKeys() {
        Link l = link;
        l.onClientKey(client -> {
            if (stopped || link != l) return;
            core.clientKeyChanged(clock(), client, l::authenticates);
            drive();
        });
    }

    /** For a stale reader: the older state it answers reads from (null otherwise). */
    private StaleState stale;

    void staleReads(StaleState s) { this.stale = s; }

    long staleAnswers() { return stale == null ? 0 : stale.staleAnswers; }

    Service service() { return service; }

    /** This replica's clock: simulated time plus its own skew. */
    long clock() { return events.now() / 1000 + clockSkewMs; }

    private static final boolean TRACE_NOTICES = Boolean.getBoolean("bulwark.sim.notices");

    void start() {
        core.start(clock());
        drive();
    }

    void stop() { stopped = true; net.setCutOff(core.id(), true); }

    void resume() {
        stopped = false;
        net.setCutOff(core.id(), false);
        for (TimerKind k : missedTimers) core.timeout(clock(), k);
        missedTimers.clear();
        drive();
    }

    boolean stopped() { return stopped; }

    /** Journal writes take {@code fsyncUs} to become durable (the sends after them wait); 0: at once. */
    void disk(long fsyncUs, SplittableRandom disk) {
        this.fsyncUs = fsyncUs;
        this.disk = disk;
    }

    /**
     * Before the watchdog's reboot: a primary moves the group to the next view ({@link Replica#stepDown},
     * section 6.3). Returns how long (µs) until its VIEW-CHANGE is durable and sent, or -1 if it did not step down.
     */
    long stepDown() {
        if (stopped || !core.stepDown(clock())) return -1;
        drive();
        return fsyncUs;
    }

    /**
     * The replica crashes: the process is gone (its timers, the sends waiting for an fsync), the
     * disk stays (what was synced, a torn prefix of what was not). {@link #restartFromSavedCheckpoint} brings it back.
     */
    void crash() {
        stop();
        incarnation++;
        held.clear();
        entriesRiding = false;
        gateEnd = 0;   // what the gates covered is durable now or lost with the process's memory of it
        journal.crash(disk == null ? new SplittableRandom(core.id()) : disk);
    }

    /**
     * A restart after {@link #crash}, as {@code bulwark replica --data-dir} does one: the process comes
     * back with the state of its last saved checkpoint (the stable one; saves happen at stable
     * checkpoints), a fresh service on it ({@link Replica#restore}), and its journal replayed
     * ({@link Replica#replay}): its view and the votes it cast. A correct replica only: its
     * executions stay checked by the safety monitor.
     */
    void restartFromSavedCheckpoint(Service fresh) { restartFromSavedCheckpoint(fresh, false); }

    /**
     * The same; with {@code diskLost}, the data dir is gone (a replaced disk): the replica starts
     * empty, with no journal, and estimates H_M before it votes again (section 4.4).
     */
    void restartFromSavedCheckpoint(Service fresh, boolean diskLost) { restartFromSavedCheckpoint(fresh, diskLost, null, true); }

    /**
     * The same; {@code beforeStart} runs once the saved state is loaded and the journal replayed,
     * before the replica starts and recovers (a compromised replica's reboot: its new link and keys,
     * the damage the adversary did to its disk). With {@code check}, the loaded state is checked page
     * by page once the replica started, as every start of a node checks it: pages damaged before (a
     * flip, a compromised reboot's damage not yet repaired when the replica restarts again) are found,
     * not carried over unseen by a restart that forgot they were marked.
     */
    private void restartFromSavedCheckpoint(Service fresh, boolean diskLost, Runnable beforeStart, boolean check) {
        long saved = core.stableSeq();
        if (diskLost) journal.lose();
        // A stable checkpoint is retained by the tree; if not (a transfer under way), the data dir is lost: start empty.
        boolean held = !diskLost && state.tree().holds(saved) && !state.tree().transferring();
        ReplicatedState restored = new ReplicatedState(state.service().pageCount(), state.maxClients(),
                held ? state.tree().copyAt(saved) : null);
        incarnation++;
        entriesRiding = false;
        gateEnd = 0;
        java.util.Arrays.fill(timerDeadline, Long.MIN_VALUE);
        missedTimers.clear();
        state = restored;
        forgottenBefore += core.counters().ignored(io.bulwark.bft.core.Ignored.VOTE_FORGOTTEN);
        withheldBefore += core.proposalsWithheld();
        core = new Replica(core.id(), cfg, restored);
        core.journaled(true);
        core.coProcessorKeys(coProcessorKeys);
        if (held) core.restore(saved, false);
        service = fresh;
        service.init(state.service());
        long replayed = 0;
        if (!forgetJournal) for (var e : journal.durableEntries()) { core.replay(clock(), e); replayed++; }
        core.replayed(clock());
        if (replayed > 0) journalReplays++;
        this.held.clear();
        if (beforeStart != null) beforeStart.run();
        stopped = false;
        net.setCutOff(core.id(), false);
        start();
        // Restart is recovery (section 4.4), as the node does it: estimation, then the recovery request
        // signed by the co-processor, whose counter (it survives the crash, as the real one does) is its timestamp.
        core.recover(clock(), disk == null ? core.id() : disk.nextLong());
        recoveriesStarted++;
        drive();
        if (check) checkState();
    }

    /**
     * Issue 12 item 6: the adversary controls this replica from now on — it sends through
     * {@code behaviours} — until {@link #rebootCompromised}. Its executions and checkpoints are not
     * checked meanwhile (it is not correct).
     */
    void compromise(List<ReplicaBehaviour> behaviours, SplittableRandom adversaryRandom) {
        this.compromised = true;
        this.behaviours = List.copyOf(behaviours);
        this.adversaryRandom = adversaryRandom;
    }

    /** Whether the adversary ever controlled this replica ({@link #compromise}): its behaviours' actions count as that adversary's. */
    private boolean compromised;

    /** The link the adversary keeps after {@link #rebootCompromised}: this process's session keys. */
    Link link() { return link; }

    /**
     * The watchdog reboots a compromised replica (section 4.4), after {@link #crash}: the adversary
     * loses control; the replica comes back from its saved checkpoint and journal, on a disk the
     * adversary damaged ({@code damage} flips bits in pages of the loaded state, as corrupted state
     * files), as a new process: {@code freshLink} is its new link (new session keys, none from others
     * yet; null on plain links, which model no keys). On the reconnections every other principal's
     * current NEW-KEY reaches it first ({@code peerKeys}, delivered before it starts) and its own new
     * NEW-KEY goes to every replica; then it recovers and checks its state ({@code check}; false only
     * for a test of the oracles), which finds the damage and fetches it. The old link, with the
     * session keys the adversary holds, is no longer this replica's.
     */
    void rebootCompromised(Service fresh, Link freshLink, List<Object> peerKeys, java.util.function.Consumer<SimReplica> damage, boolean check) {
        behaviours = List.of();
        restartFromSavedCheckpoint(fresh, false, () -> {
            if (freshLink != null) {
                link = freshLink;
                listenForClientKeys();
                for (Object k : peerKeys) link.open(k);
                currentNewKey = link.currentNewKey();
                resendKeyOnReconnect();
            }
            damage.accept(this);
        }, false);   // checked below, once its NEW-KEY is out (or not: the control of the oracle)
        // Back on the network: our new NEW-KEY to every replica (the first frame of each new connection).
        if (freshLink != null) for (int j = 0; j < n; j++) if (j != core.id()) net.sendKey(core.id(), j, currentNewKey);
        if (check) checkState();
    }

    /** Whether this replica sends its current NEW-KEY on reconnections (registered once). */
    private boolean resendsKeyOnReconnect;

    /**
     * A connection carries both ends' current NEW-KEYs first: when a replica comes back we send it
     * ours, and when we come back we send ours to every replica — a refresh made while a peer was cut
     * off reaches it even if we were cut off ourselves when it came back (seed 674 f=2, --adversary
     * none: replica 1 refreshed while 2 was away, was away itself when 2 returned, and rejected the
     * new primary 2's NEW-VIEW under its old key for good).
     */
    private void resendKeyOnReconnect() {
        if (resendsKeyOnReconnect) return;
        resendsKeyOnReconnect = true;
        net.onReconnected(j -> {
            if (stopped || currentNewKey == null) return;
            if (j != core.id()) { if (j < n) net.sendKey(core.id(), j, currentNewKey); }
            else for (int p = 0; p < n; p++) if (p != core.id()) net.sendKey(core.id(), p, currentNewKey);
        });
    }

    /**
     * Section 4.4: another replica recovers, so the keys others use to send to us are refreshed — a
     * NEW-KEY to every principal over the wire links (which model session keys); the plain links model
     * none, and there the core only hears of it.
     */
    private void refreshKeysForRecovery() {
        if (link.modelsSessionKeys()) {
            Link.NewKeyPayload k = link.refreshKey();
            resendKeyOnReconnect();
            currentNewKey = k.payload();
            for (int j = 0; j < net.principals(); j++) if (j != core.id()) net.sendKey(core.id(), j, k.payload());
        }
        keyRefreshesForRecoveries++;
        core.keysRefreshed(clock());
    }

    /** Whether a restart loses the disk this time (drawn from the disk's own randomness). */
    boolean diskLostOnRestart(int oneIn) { return disk != null && disk.nextInt(oneIn) == 0; }

    boolean correct() { return behaviours.isEmpty(); }

    /** Bits flipped in our pages behind the core's back and not yet repaired by a state transfer. */
    private boolean corrupted;

    boolean corrupted() { return corrupted; }

    private boolean checkedSinceFlip = true;

    boolean checkedSinceFlip() { return checkedSinceFlip; }

    private final java.util.TreeSet<Integer> flippedPages = new java.util.TreeSet<>();

    /**
     * The oracle at the end of a run, against {@code reference} (a replica never corrupted, at the
     * same point of execution): every flipped page now holds what the reference holds (executing
     * rewrote it, or a transfer fetched it), or was modified since the last checkpoint — no check can
     * see that yet (it has no digest); the next checkpoint will, by a mismatch with the others.
     */
    boolean flippedPagesAccountedFor(SimReplica reference) {
        var mine = state.tree();
        var theirs = reference.state.tree();
        for (int page : flippedPages) {
            if (!java.util.Arrays.equals(mine.read(page), theirs.read(page)) && !mine.modifiedSinceCheckpoint(page)) return false;
        }
        return true;
    }

    /**
     * The simulator's oracle after a transfer: every flipped page again matches its digest (it was
     * fetched, or rewritten). A transfer that began before the flip may have kept a flipped page; the
     * replica then finds out at its next checkpoint or check.
     */
    private boolean repaired() {
        var tree = state.tree();
        for (int page : flippedPages) {
            var p = tree.local(tree.leafLevel(), page);
            if (!io.bulwark.bft.state.PartitionTree.pageDigest(page, p.lm(), tree.read(page)).equals(p.digest())) return false;
        }
        flippedPages.clear();
        return true;
    }

    /**
     * Memory corruption: flips one bit in each of up to {@code pages} random pages of the state, without
     * {@code modify} (the replica does not know). Its checkpoints are not compared until a state
     * transfer repairs it. Returns the number of pages flipped.
     */
    int flipBits(int pages, java.util.SplittableRandom rnd) {
        var tree = state.tree();
        int flipped = 0;
        for (int i = 0; i < pages; i++) {
            // Pages at rest (not modified since the last checkpoint): a flip in a page being modified
            // shows only at the next checkpoint, which may never come once the clients are done.
            int index = rnd.nextInt(tree.pageCount());
            if (tree.modifiedSinceCheckpoint(index)) continue;
            corrupted = true;
            checkedSinceFlip = false;
            flipped++;
            flippedPages.add(index);
            byte[] page = tree.read(index);
            int bit = rnd.nextInt(page.length * 8);
            page[bit >>> 3] ^= (byte) (1 << (bit & 7));
        }
        return flipped;
    }

    /** The check a recovering replica runs over its state (section 4.4). */
    void checkState() {
        if (stopped) return;
        checkedSinceFlip = true;
        core.checkState(clock());
        drive();
    }

    @Override public void deliver(int from, Object payload) {
        if (stopped) return;
        Link.Received r = link.open(payload);
        if (r == null) return;
        if (r.isKey()) {
            // A client's NEW-KEY (new or repeated) is answered with a KEY-ACK, as ChannelGuard does.
            Object ack = r.from() >= n ? link.keyAck(r.from()) : null;
            if (ack != null) net.send(core.id(), r.from(), ack);
            return;
        }
        core.receive(clock(), r.from(), r.message(), r.unverified());
        drive();
    }

    /** Performs the core's actions, in order, until it has nothing more to say. */
    private void drive() {
        core.drainTo(work);
        for (int i = 0; i < work.size(); i++) {
            perform(work.get(i));
            core.drainTo(work);
        }
        work.clear();
        // -Dbulwark.sim.notices=true (BULWARK_JAVA_OPTS): each replica's one-line notices (view changes and
        // their causes, new views, transfers, recoveries) with the simulated time, to follow one seed.
        for (io.bulwark.bft.core.Notice n : core.drainNotices())
            if (TRACE_NOTICES) System.out.printf(java.util.Locale.ROOT, "  t=%.3f ms replica %d: %s%n", events.now() / 1000.0, core.id(), n.line());
        if (persistedInDrive) {
            persistedInDrive = false;
            syncLater();
        }
        maybeCompact();
    }

    /** Starts an fsync of everything written so far; it completes {@link #fsyncUs} later, unless the replica crashes first. */
    private void syncLater() {
        long end = journal.appendedEnd();
        int life = incarnation;
        entriesRiding = false;   // an fsync covers every entry written before it
        events.after(fsyncUs, () -> { if (life == incarnation) synced(end); });
    }

    /** The fsync of every entry before {@code end} completed: the sends that waited for it go, in order. */
    private void synced(long end) {
        journal.synced(end);
        while (!held.isEmpty() && held.peek().durableAt() <= end) send(held.poll().action());
    }

    /** Keeps the journal near its image size, as the node does after a save (compaction at a stable checkpoint). */
    private long compactedAt = -1;

    private void maybeCompact() {
        if (stopped || journal.size() < 4L * cfg.logSize() || core.stableSeq() <= compactedAt) return;
        compactedAt = core.stableSeq();
        journal.compact(core.logImage());
        if (fsyncUs == 0) synced(journal.appendedEnd());
        else syncLater();
    }

    private void perform(Action a) {
        if (a instanceof ReplicaAction.Persist p) {
            journal.append(p.entry());
            // Without a disk delay the entry is durable before anything after it happens.
            if (p.entry().gatesPrepares()) gateEnd = journal.appendedEnd();
            if (fsyncUs == 0) journal.synced(journal.appendedEnd());
            else if (p.entry().syncAtOnce()) persistedInDrive = true;
            else if (!entriesRiding) {
                entriesRiding = true;
                long episode = ++ridingEpisode;
                int life = incarnation;
                events.after(LogEntry.RIDING_SYNC_AFTER_MS * 1000, () -> {
                    if (life == incarnation && entriesRiding && ridingEpisode == episode && !stopped) syncLater();
                });
            }
            return;
        }
        if (ReplicaAction.waitsOnlyForGates(a)) {
            // A vote (PREPARE, PRE-PREPARE) waits for its view's entries and its reservation, not for its own pre-prepared record.
            if (journal.durableEnd() >= gateEnd) send(a);
            else held.add(new HeldSend(a, gateEnd));
            return;
        }
        // A message after a riding entry (a CHECKPOINT after its batches' committed records) waits for it too.
        if (entriesRiding && ReplicaAction.waitsForJournal(a)) persistedInDrive = true;
        if ((persistedInDrive || !held.isEmpty()) && ReplicaAction.waitsForJournal(a)) {
            held.add(new HeldSend(a, journal.appendedEnd()));   // after every entry written before it
            return;
        }
        if (a instanceof Action.Send || a instanceof Action.Multicast) { send(a); return; }
        act(a);
    }

    private void send(Action a) {
        int self = core.id();
        if (!behaviours.isEmpty() && (a instanceof Action.Send || a instanceof Action.Multicast)) {
            Outgoing o = a instanceof Action.Send s ? Outgoing.send(s.to(), s.message()) : Outgoing.multicast(((Action.Multicast) a).message(), n);
            pass(0, o);
            return;
        }
        net.transmit(self, a, link, n);
    }

    private void act(Action a) {
        int self = core.id();
        if (a instanceof Action.SetTimer t) {
            long deadline = t.deadline();
            timerDeadline[t.kind().ordinal()] = deadline;
            int life = incarnation;
            events.at((deadline - clockSkewMs) * 1000, () -> { if (life == incarnation) fire(t.kind(), deadline); });
        } else if (a instanceof ReplicaAction.Execute e) {
            if (correct()) safety.onExecute(self, e.seq(), e.nonDet(), e.requests());
            List<byte[]> results = new ArrayList<>(e.requests().size());
            try {
                for (Request r : e.requests()) results.add(execute(r, e.nonDet()));
            } catch (Throwable t) {
                // As the node runtime: what escapes the service is this replica's fault, never a reply (Replica.executionFailed).
                failedExecutions++;
                core.executionFailed(clock());
                return;
            }
            executedRequests += results.size();
            if (stale != null) stale.executed(e.requests(), e.nonDet());
            core.executed(clock(), e.seq(), results);
            if (e.checkpoint() && correct() && !corrupted) safety.onCheckpoint(self, e.seq(), core.checkpointDigest(e.seq()));
        } else if (a instanceof ReplicaAction.RefreshKeys k) {
            refreshKeysForRecovery();
        } else if (a instanceof ReplicaAction.SignRecovery sr) {
            try {
                SignedCounter signed = coProcessor.sign(sr.payload());
                core.recoverySigned(clock(), signed.counter(), signed.signature());
            } catch (CoProcessorException e) {
                throw new IllegalStateException(e);   // an in-memory counter is exhausted only after 2^63 signatures
            }
        } else if (a instanceof ReplicaAction.StateReplaced sr) {
            service.stateReplaced();
            if (stale != null) stale.stateReplaced();
            if (corrupted) corrupted = !repaired();
            if (correct()) safety.onCheckpoint(self, sr.seq(), core.checkpointDigest(sr.seq()));
        } else if (a instanceof ReplicaAction.ExecuteReadOnly r) {
            byte[] result;
            try {
                result = service.execute(r.request().operation(), r.request().client(), new byte[0], true);
            } catch (Throwable t) {
                failedExecutions++;
                core.executionFailed(clock());
                return;
            }
            if (stale != null) result = stale.read(r.request(), result);
            core.executedReadOnly(clock(), r.request(), result);
        } else {
            throw new IllegalStateException("a replica cannot perform " + a);
        }
    }

    /** The service's upcall; on corrupted pages the service may trip over its own data, which is an error result, not a crash. */
    private byte[] execute(Request r, byte[] nonDet) {
        if (!corrupted) return service.execute(r.operation(), r.client(), nonDet, false);
        try {
            return service.execute(r.operation(), r.client(), nonDet, false);
        } catch (RuntimeException e) {
            return ("corrupt state: " + e).getBytes(java.nio.charset.StandardCharsets.UTF_8);
        }
    }

    /** Runs {@code o} through behaviour {@code i} and the ones after it; what comes out of the last one is transmitted. */
    private void pass(int i, Outgoing o) {
        if (i == behaviours.size()) {
            if (o.delayUs() > 0) events.after(o.delayUs(), () -> transmit(o));
            else transmit(o);
            return;
        }
        behaviours.get(i).outgoing(o, this, next -> pass(i + 1, next));
    }

    private void transmit(Outgoing o) {
        int self = core.id();
        Object payload;
        try {
            payload = o.isMulticast() ? link.sealMulticast(o.message()) : link.sealTo(o.to(), o.message());
        } catch (IllegalArgumentException | IllegalStateException e) {
            unsealable++;
            return;
        }
        if (!o.isMulticast()) {
            if (o.to() != self) net.send(self, o.to(), payload, o.message());
            return;
        }
        for (int j = 0; j < n; j++) if (j != self && o.reaches(j)) net.send(self, j, payload, o.message());
    }

    // ---- ReplicaContext: what behaviours may look at ----

    @Override public int self() { return core.id(); }

    @Override public ProtocolConfig config() { return cfg; }

    @Override public long nowUs() { return events.now(); }

    @Override public long view() { return core.view(); }

    @Override public boolean isPrimary() { return core.isPrimary(); }

    @Override public SplittableRandom random() { return adversaryRandom; }

    @Override public void acted(Adversary adversary) { coverage.acted(compromised ? Adversary.COMPROMISED : adversary); }

    private void fire(TimerKind kind, long deadline) {
        if (timerDeadline[kind.ordinal()] != deadline) return;   // re-armed since
        if (stopped) { missedTimers.add(kind); return; }
        core.timeout(clock(), kind);
        drive();
    }
}
