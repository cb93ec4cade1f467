package io.bulwark.bft.msg;

import io.bulwark.bft.crypto.Digest;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;

/** Seeded generator of valid messages (every field in its domain) for round-trip and fuzz tests. */
public final class RandomMessages {
    private final SplittableRandom rnd;
    private final CodecLimits limits;
    private final int n;

    public RandomMessages(SplittableRandom rnd, CodecLimits limits) {
        this.rnd = rnd;
        this.limits = limits;
        this.n = limits.replicaCount();
    }

    public SplittableRandom rnd() { return rnd; }

    public int replica() { return rnd.nextInt(n); }

    public int client() { return n + rnd.nextInt(1000); }

    private long nonNeg() {
        return switch (rnd.nextInt(4)) {
            case 0 -> 0;
            case 1 -> Long.MAX_VALUE - rnd.nextInt(3);
            default -> rnd.nextLong(1L << rnd.nextInt(1, 63));
        };
    }

    public byte[] bytes(int max) {
        byte[] b = new byte[rnd.nextInt(max + 1)];
        rnd.nextBytes(b);
        return b;
    }

    public byte[] nonEmptyBytes(int max) {
        byte[] b = new byte[rnd.nextInt(1, max + 1)];
        rnd.nextBytes(b);
        return b;
    }

    public Digest digest() {
        byte[] b = new byte[Digest.LENGTH];
        rnd.nextBytes(b);
        return new Digest(b);
    }

    /** A request with random auth bytes (not a valid authenticator) and an operation of at most {@code maxOp} bytes. */
    public Request request(int client, int maxOp) {
        byte[] auth = new byte[limits.requestAuthBytes()];
        rnd.nextBytes(auth);
        int replier = rnd.nextInt(4) == 0 ? Request.ALL_REPLY : replica();
        return new Request(client, nonNeg(), rnd.nextBoolean(), replier, bytes(maxOp), auth);
    }

    public Request request() { return request(client(), 40); }

    public PrePrepare prePrepare(int maxBatch) {
        int count = rnd.nextInt(maxBatch + 1);
        List<Request> batch = new ArrayList<>();
        for (int i = 0; i < count; i++) batch.add(request());
        return new PrePrepare(nonNeg(), nonNeg(), digest(), bytes(Math.min(16, limits.maxNonDetBytes())), batch);
    }

    /** A pre-prepare whose entries are, at random, requests or references to requests by digest. */
    public PrePrepareByDigest prePrepareByDigest(int maxBatch) {
        int count = rnd.nextInt(maxBatch + 1);
        List<BatchEntry> batch = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            Request q = request();
            batch.add(rnd.nextBoolean() ? q : RequestRef.of(q));
        }
        return new PrePrepareByDigest(nonNeg(), nonNeg(), digest(), bytes(Math.min(16, limits.maxNonDetBytes())), batch);
    }

    public Prepare prepare(int replica) { return new Prepare(nonNeg(), nonNeg(), digest(), replica); }

    public Commit commit(int replica) { return new Commit(nonNeg(), nonNeg(), digest(), replica); }

    public Reply reply(int replica, int client) {
        boolean digestOnly = rnd.nextBoolean();
        byte[] result = digestOnly ? digest().bytes() : bytes(60);
        return new Reply(nonNeg(), nonNeg(), client, replica, rnd.nextBoolean(), digestOnly, result);
    }

    public Checkpoint checkpoint(int replica) { return new Checkpoint(nonNeg(), digest(), replica); }

    public Status status(int replica) {
        return new Status(nonNeg(), replica, rnd.nextBoolean(), nonNeg(), nonNeg(), rnd.nextLong() & ((1L << limits.replicaCount()) - 1), words(), words());
    }

    private long[] words() {
        long[] w = new long[rnd.nextInt(limits.maxStatusWords() + 1)];
        for (int i = 0; i < w.length; i++) w[i] = rnd.nextLong();
        return w;
    }

    public NewKey newKey(int sender) {
        List<NewKey.KeyShare> shares = new ArrayList<>();
        for (int j = 0; j < n; j++) {
            if (j != sender && rnd.nextInt(5) != 0) shares.add(new NewKey.KeyShare(j, nonEmptyBytes(80)));
        }
        return new NewKey(sender, nonNeg(), shares, nonEmptyBytes(64));
    }

    /** A VIEW-CHANGE by {@code replica}: short lists (a few entries each), strictly increasing, within the limits. */
    public ViewChange viewChange(int replica) {
        List<ViewChange.CheckpointRef> c = new ArrayList<>();
        for (long seq : ascending(few(limits.maxCheckpoints()))) c.add(new ViewChange.CheckpointRef(seq, digest()));
        List<ViewChange.PreparedEntry> p = new ArrayList<>();
        for (long seq : ascending(few(limits.maxLogEntries()))) p.add(new ViewChange.PreparedEntry(seq, maybeNull(), nonNeg()));
        List<ViewChange.PrePreparedEntry> q = new ArrayList<>();
        for (long seq : ascending(few(limits.maxLogEntries()))) {
            List<ViewChange.DigestView> pairs = new ArrayList<>();
            int count = rnd.nextInt(1, Math.min(limits.maxQPairs(), 3) + 1);
            // Random digests are distinct; the null request (all zeroes) at most once, first.
            for (int i = 0; i < count; i++) pairs.add(new ViewChange.DigestView(i == 0 ? maybeNull() : digest(), nonNeg()));
            q.add(new ViewChange.PrePreparedEntry(seq, pairs));
        }
        return new ViewChange(nonNeg(), replica, nonNeg(), c, p, q);
    }

    public ViewChangeAck viewChangeAck(int replica) { return new ViewChangeAck(nonNeg(), replica, replica(), digest()); }

    /** A NEW-VIEW naming the view-changes of a random set of replicas and a few selected batches or null requests. */
    public NewView newView() {
        List<NewView.ViewChangeRef> v = new ArrayList<>();
        for (int j = 0; j < n; j++) if (rnd.nextInt(4) != 0) v.add(new NewView.ViewChangeRef(j, digest()));
        List<Digest> selected = new ArrayList<>();
        for (int i = few(limits.maxLogEntries()); i > 0; i--) selected.add(maybeNull());
        return new NewView(nonNeg(), v, nonNeg(), digest(), selected);
    }

    public StatusReport statusReport(int replica, int client) {
        List<StatusReport.Counter> counters = new java.util.ArrayList<>();
        for (int i = rnd.nextInt(MessageCodec.STATUS_REPORT_MAX_COUNTERS + 1); i > 0; i--)
            counters.add(new StatusReport.Counter("c." + rnd.nextInt(1_000_000), rnd.nextLong(0, Long.MAX_VALUE)));
        return new StatusReport(replica, client, rnd.nextLong(), nonNeg(), rnd.nextBoolean(), rnd.nextBoolean(), rnd.nextBoolean(),
                nonNeg(), nonNeg(), nonNeg(), nonNeg(), nonNeg(), counters);
    }

    public AuthFailure authFailure(int replica) {
        return new AuthFailure(replica, nonNeg(), Math.max(1, nonNeg()), n + rnd.nextInt(1000), nonNeg());
    }

    public BindChallenge bindChallenge(int replica) { return new BindChallenge(replica, rnd.nextLong(), rnd.nextLong()); }

    public BindProof bindProof(int principal, int acceptor) {
        return new BindProof(principal, acceptor, rnd.nextLong(), rnd.nextLong(), rnd.nextLong(), rnd.nextLong());
    }

    public FetchBatch fetchBatch(int replica) { return new FetchBatch(replica, Math.max(1, nonNeg()), digest()); }

    public Fetch fetch(int replica) { return new Fetch(replica, nonNeg(), rnd.nextInt(4), rnd.nextInt(1 << 20)); }

    /** Meta-data with 1..FANOUT children. */
    public MetaData metaData(int replica) {
        int count = 1 + rnd.nextInt(rnd.nextBoolean() ? 4 : io.bulwark.bft.state.PartitionTree.FANOUT);
        List<io.bulwark.bft.state.Partition> children = new ArrayList<>(count);
        for (int i = 0; i < count; i++) children.add(new io.bulwark.bft.state.Partition(nonNeg(), digest()));
        return new MetaData(nonNeg(), rnd.nextInt(4), rnd.nextInt(1 << 12), replica, List.copyOf(children));
    }

    public Data data() {
        byte[] page = new byte[io.bulwark.bft.state.PartitionTree.PAGE_SIZE];
        rnd.nextBytes(page);
        return new Data(rnd.nextInt(1 << 18), rnd.nextLong(), page);
    }

    /** 0..4 (at most {@code max}): keeps generated messages short enough to flip every bit of. */
    private int few(int max) { return rnd.nextInt(Math.min(max, 4) + 1); }

    private Digest maybeNull() { return rnd.nextInt(4) == 0 ? NewView.NULL_REQUEST : digest(); }

    /** {@code count} strictly increasing non-negative numbers, sometimes ending at Long.MAX_VALUE. */
    private long[] ascending(int count) {
        long[] seqs = new long[count];
        long next = rnd.nextInt(4) == 0 ? Long.MAX_VALUE - 3L * Math.max(0, count - 1) : rnd.nextLong(1L << rnd.nextInt(1, 62));
        for (int i = 0; i < count; i++) {
            seqs[i] = next;
            if (i + 1 < count) next += rnd.nextInt(1, 4);
        }
        return seqs;
    }

    /** A random message of type {@code type} (a MessageType code). */
    public Message of(int type) {
        return switch (MessageType.ofCode(type)) {
            case REQUEST -> request();
            case PRE_PREPARE -> prePrepare(4);
            case PRE_PREPARE_BY_DIGEST -> prePrepareByDigest(4);
            case PREPARE -> prepare(replica());
            case COMMIT -> commit(replica());
            case REPLY -> reply(replica(), client());
            case CHECKPOINT -> checkpoint(replica());
            case STATUS -> status(replica());
            case NEW_KEY -> newKey(rnd.nextInt(n + 3));
            case VIEW_CHANGE -> viewChange(replica());
            case VIEW_CHANGE_ACK -> viewChangeAck(replica());
            case NEW_VIEW -> newView();
            case FETCH_BATCH -> fetchBatch(replica());
            case FETCH -> fetch(replica());
            case META_DATA -> metaData(replica());
            case DATA -> data();
            case AUTH_FAILURE -> authFailure(replica());
            case BIND_CHALLENGE -> bindChallenge(replica());
            case BIND_PROOF -> bindProof(rnd.nextInt(n + 3), replica());
            case SUSPECT -> new Suspect(rnd.nextLong(0, 1L << 40), replica());
            case KEY_ACK -> new KeyAck(replica(), n + rnd.nextInt(5), rnd.nextLong(1, 1L << 40));
            case STATUS_QUERY -> new StatusQuery(n + rnd.nextInt(5), rnd.nextLong());
            case STATUS_REPORT -> statusReport(replica(), n + rnd.nextInt(5));
            case QUERY_STABLE -> new QueryStable(replica(), rnd.nextLong());
            case REPLY_STABLE -> new ReplyStable(replica(), replica(), rnd.nextLong(), rnd.nextLong(0, 1L << 40), rnd.nextLong(0, 1L << 40));
        };
    }

    /** Field-by-field equality (records with arrays compare arrays by identity). */
    public static boolean same(Message a, Message b) {
        if (a instanceof Request x && b instanceof Request y) return sameRequest(x, y) && Arrays.equals(x.auth(), y.auth());
        if (a instanceof PrePrepare x && b instanceof PrePrepare y) {
            if (x.view() != y.view() || x.seq() != y.seq() || !x.digest().equals(y.digest())
                    || !Arrays.equals(x.nonDet(), y.nonDet()) || x.batch().size() != y.batch().size()) return false;
            for (int i = 0; i < x.batch().size(); i++) if (!same(x.batch().get(i), y.batch().get(i))) return false;
            return true;
        }
        if (a instanceof PrePrepareByDigest x && b instanceof PrePrepareByDigest y) {
            if (x.view() != y.view() || x.seq() != y.seq() || !x.digest().equals(y.digest())
                    || !Arrays.equals(x.nonDet(), y.nonDet()) || x.batch().size() != y.batch().size()) return false;
            for (int i = 0; i < x.batch().size(); i++) {
                BatchEntry e = x.batch().get(i), g = y.batch().get(i);
                if (e instanceof Request q ? !(g instanceof Request w && same(q, w)) : !e.equals(g)) return false;
            }
            return true;
        }
        if (a instanceof Prepare x && b instanceof Prepare y) return x.equals(y);
        if (a instanceof Commit x && b instanceof Commit y) return x.equals(y);
        if (a instanceof Checkpoint x && b instanceof Checkpoint y) return x.equals(y);
        // Lists of records of digests and numbers: equals compares every field by value.
        if (a instanceof ViewChange x && b instanceof ViewChange y) return x.equals(y);
        if (a instanceof ViewChangeAck x && b instanceof ViewChangeAck y) return x.equals(y);
        if (a instanceof NewView x && b instanceof NewView y) return x.equals(y);
        if (a instanceof FetchBatch x && b instanceof FetchBatch y) return x.equals(y);
        if (a instanceof Fetch x && b instanceof Fetch y) return x.equals(y);
        if (a instanceof MetaData x && b instanceof MetaData y) return x.equals(y);
        if (a instanceof Data x && b instanceof Data y) return x.page() == y.page() && x.lm() == y.lm() && Arrays.equals(x.value(), y.value());
        if (a instanceof AuthFailure x && b instanceof AuthFailure y) return x.equals(y);
        if (a instanceof Suspect x && b instanceof Suspect y) return x.equals(y);
        if (a instanceof KeyAck x && b instanceof KeyAck y) return x.equals(y);
        if (a instanceof StatusQuery x && b instanceof StatusQuery y) return x.equals(y);
        if (a instanceof StatusReport x && b instanceof StatusReport y) return x.equals(y);
        if (a instanceof QueryStable x && b instanceof QueryStable y) return x.equals(y);
        if (a instanceof ReplyStable x && b instanceof ReplyStable y) return x.equals(y);
        if (a instanceof BindChallenge x && b instanceof BindChallenge y) return x.equals(y);
        if (a instanceof BindProof x && b instanceof BindProof y) return x.equals(y);
        if (a instanceof Reply x && b instanceof Reply y)
            return x.view() == y.view() && x.timestamp() == y.timestamp() && x.client() == y.client() && x.replica() == y.replica()
                    && x.readOnly() == y.readOnly() && x.digestOnly() == y.digestOnly() && Arrays.equals(x.result(), y.result());
        if (a instanceof Status x && b instanceof Status y)
            return x.view() == y.view() && x.replica() == y.replica() && x.viewActive() == y.viewActive()
                    && x.stableSeq() == y.stableSeq() && x.lastExecuted() == y.lastExecuted()
                    && x.viewChanges() == y.viewChanges() && Arrays.equals(x.prepared(), y.prepared())
                    && Arrays.equals(x.committed(), y.committed());
        if (a instanceof NewKey x && b instanceof NewKey y) {
            if (x.sender() != y.sender() || x.counter() != y.counter() || !Arrays.equals(x.signature(), y.signature())
                    || x.shares().size() != y.shares().size()) return false;
            for (int i = 0; i < x.shares().size(); i++) {
                NewKey.KeyShare s = x.shares().get(i), t = y.shares().get(i);
                if (s.receiver() != t.receiver() || !Arrays.equals(s.ciphertext(), t.ciphertext())) return false;
            }
            return true;
        }
        return false;
    }

    /** Requests equal in every field but auth. */
    public static boolean sameRequest(Request x, Request y) {
        return x.client() == y.client() && x.timestamp() == y.timestamp() && x.readOnly() == y.readOnly()
                && x.replier() == y.replier() && Arrays.equals(x.operation(), y.operation());
    }
}
