package io.bulwark.bft.core;

import io.bulwark.bft.crypto.Digest;
import io.bulwark.bft.msg.Data;
import io.bulwark.bft.msg.Fetch;
import io.bulwark.bft.msg.MetaData;
import io.bulwark.bft.state.Partition;
import io.bulwark.bft.state.PartitionTree;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;

/**
 * The fetching side of state transfer (section 4.6.2), for one replica: brings its
 * {@link PartitionTree} to a checkpoint whose digest it knows (f+1 matching CHECKPOINT messages, or
 * the checkpoint a new view started from), fetching only the partitions whose digests differ.
 * <p>
 * It descends from the root: a partition's META-DATA lists every child's (lm, digest); the fetcher
 * checks it by recomputing the partition's digest, which it knows from the level above, so no voting
 * and no trust in the replier is needed. Children whose digest equals the local one are up to date
 * and skipped; pages are fetched with DATA and checked against H(index, lm, value). Up to
 * {@link #WINDOW} fetches are outstanding at once, spread over the other replicas in turn; a replier
 * that sends something that does not check out, or leaves a fetch unanswered for a whole status
 * period (it may have garbage-collected the checkpoint), is passed over for the rest of the transfer
 * (or until every replier has been).
 * <p>
 * Deviation from the paper (its LC table and consistency rule): every descent targets one checkpoint.
 * When a later checkpoint becomes known (the others executed and garbage-collected), the descent
 * restarts from the root toward it; partitions already brought up to date and not modified since
 * have equal digests and are skipped, so only what changed in between is fetched again. The
 * transfer ends when the working tree's root equals the target's digest — the whole state is then
 * that checkpoint's, which is what the consistency rule establishes partition by partition.
 */
final class StateTransfer {
    /** Fetches outstanding at once (pages in flight: at most this many times 4 KB). */
    static final int WINDOW = 128;

    private record Want(int level, int index, long lm, Digest digest) {}

    private record Sent(Want want, int replier, long tick) {}

    private final PartitionTree tree;
    private final int self;
    private final int n;
    /** Partitions to fetch, depth first (bounds the queue to about FANOUT per level). */
    private final ArrayDeque<Want> queue = new ArrayDeque<>();
    private final LinkedHashMap<Long, Sent> outstanding = new LinkedHashMap<>();
    private final boolean[] passedOver;
    private int nextReplier;
    private long tick;
    private long target = -1;
    private Digest targetDigest;

    long pagesFetched;

    StateTransfer(PartitionTree tree, int self, int n) {
        this.tree = tree;
        this.self = self;
        this.n = n;
        this.passedOver = new boolean[n];
        this.nextReplier = self;
        tree.beginTransfer();
    }

    long target() { return target; }

    Digest targetDigest() { return targetDigest; }

    /** Aims at checkpoint {@code seq} with root digest {@code digest}, starting again from the root. */
    void retarget(long seq, Digest digest, List<ReplicaAction> out) {
        target = seq;
        targetDigest = digest;
        queue.clear();
        outstanding.clear();
        if (!tree.local(0, 0).digest().equals(digest)) queue.add(new Want(0, 0, PartitionTree.UNKNOWN_LM, digest));
        pump(out);
    }

    /** Nothing left to fetch: the working tree should now be the target checkpoint. */
    boolean done() { return queue.isEmpty() && outstanding.isEmpty(); }

    void onMetaData(int from, MetaData md, List<ReplicaAction> out) {
        if (md.checkpoint() != target || md.level() >= tree.leafLevel()) return;
        Sent s = outstanding.get(key(md.level(), md.index()));
        if (s == null) return;   // a duplicate, or for an earlier target
        Want w = s.want();
        List<Partition> children = md.children();
        long lm = 0;
        for (Partition p : children) lm = Math.max(lm, p.lm());
        if (children.size() != childCount(w.level(), w.index())
                || !PartitionTree.interiorDigest(w.level(), w.index(), lm, children).equals(w.digest())) {
            reject(from, s, out);
            return;
        }
        outstanding.remove(key(w.level(), w.index()));
        int level = w.level() + 1;
        List<Want> stale = new ArrayList<>();
        for (int i = 0; i < children.size(); i++) {
            int index = w.index() * PartitionTree.FANOUT + i;
            Partition remote = children.get(i);
            if (tree.localDigestIs(level, index, remote.digest())) continue;
            if (level == tree.leafLevel() && mayBeEqual(tree.localLm(level, index), remote.lm())
                    && tree.adoptIfMatches(index, remote.lm(), remote.digest())) continue;
            stale.add(new Want(level, index, remote.lm(), remote.digest()));
        }
        for (int i = stale.size() - 1; i >= 0; i--) queue.addFirst(stale.get(i));
        pump(out);
    }

    /**
     * Whether a local page whose digest differs from the remote one can still hold the same value
     * (and so need not be fetched): only if its lm differs in a way that does not imply a different
     * value — it was modified since the last checkpoint (lm unknown), or it is newer than the remote
     * one (a replica rolling back). With equal lms the digests differ only if the values do, and a
     * page the others modified after our version was most likely rewritten; hashing it to find out
     * would cost a SHA-256 per fetched page, for nothing in the common case.
     */
    private static boolean mayBeEqual(long localLm, long remoteLm) {
        return localLm == PartitionTree.UNKNOWN_LM || localLm > remoteLm;
    }

    /**
     * DATA travels without a MAC (section 4.6.2: the digest from the verified META-DATA above it is
     * all the check it needs), so its sender is not authenticated: a page that fails its digest is
     * dropped and fetched again from the next replier, and nobody is blamed for it (a network
     * attacker could forge it in any replica's name). A faulty replier is passed over when it leaves
     * fetches unanswered ({@link #tick}) or sends META-DATA that does not check out (MACed).
     */
    void onData(Data d, List<ReplicaAction> out) {
        Sent s = outstanding.get(key(tree.leafLevel(), d.page()));
        if (s == null) return;
        Want w = s.want();
        // The lm comes with the page, checked by the digest (the meta-data's lm of a child is not bound
        // by its parent's digest: a faulty replier can change it, see Data).
        Digest digest = PartitionTree.pageDigest(d.page(), d.lm(), d.value());
        if (!digest.equals(w.digest())) {
            send(w, out);
            return;
        }
        outstanding.remove(key(w.level(), w.index()));
        tree.installVerified(d.page(), d.lm(), d.value(), digest);
        pagesFetched++;
        pump(out);
    }

    /**
     * A status period passed: fetches unanswered since before the previous period go to another
     * replier, and the silent one is passed over.
     */
    void tick(List<ReplicaAction> out) {
        tick++;
        List<Sent> late = new ArrayList<>();
        for (Sent s : outstanding.values()) if (s.tick() < tick - 1) late.add(s);
        for (Sent s : late) {
            passedOver[s.replier()] = true;
            send(s.want(), out);
        }
        pump(out);
    }

    private void reject(int from, Sent s, List<ReplicaAction> out) {
        if (from >= 0 && from < n) passedOver[from] = true;
        send(s.want(), out);
    }

    private void pump(List<ReplicaAction> out) {
        while (outstanding.size() < WINDOW && !queue.isEmpty()) send(queue.poll(), out);
    }

    private void send(Want w, List<ReplicaAction> out) {
        int k = replier();
        outstanding.put(key(w.level(), w.index()), new Sent(w, k, tick));
        out.add(new Action.Send(k, new Fetch(self, target, w.level(), w.index())));
    }

    /** The next replier in turn that has not been passed over; when all have, they all get another chance. */
    private int replier() {
        for (int attempt = 0; attempt < 2; attempt++) {
            for (int i = 0; i < n; i++) {
                nextReplier = (nextReplier + 1) % n;
                if (nextReplier != self && !passedOver[nextReplier]) return nextReplier;
            }
            java.util.Arrays.fill(passedOver, false);
        }
        throw new IllegalStateException("no replica to fetch from");
    }

    private int childCount(int level, int index) {
        long first = (long) index * PartitionTree.FANOUT;
        return (int) Math.max(0, Math.min(PartitionTree.FANOUT, tree.partitionsAt(level + 1) - first));
    }

    private static long key(int level, int index) { return (long) level << 32 | (index & 0xffffffffL); }

    /** Fetches in flight (for observation). */
    int outstanding() { return outstanding.size(); }
}
