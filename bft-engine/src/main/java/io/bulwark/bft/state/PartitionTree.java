package io.bulwark.bft.state;

import io.bulwark.bft.crypto.Digest;
import io.bulwark.bft.crypto.Digests;
import io.bulwark.bft.service.Pages;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.BitSet;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import java.util.stream.IntStream;

/**
 * The replicated state as 4 KB pages under a partition tree of fan-out 256 (section 4.6.2), with
 * copy-on-write logical checkpoints. Not thread-safe: one thread (the replica's) uses it; the
 * hashing of many pages inside one call is spread over the common fork-join pool.
 * <p>
 * Level 0 is the root; level {@link #leafLevel()} holds the pages. A page's digest is
 * H(index, lm, value); an interior partition's digest is H(level, index, lm, H(children's digests))
 * with lm the maximum of its children's — plain re-hashing of the dirty path (a Merkle tree), which
 * is collision resistant because SHA-256 is; only partitions on the path of a page modified since
 * the last checkpoint are re-hashed.
 *
 * <h2>Why plain re-hashing and not AdHash</h2>
 * The paper combines children with AdHash (a sum of digests modulo a large integer) so that a
 * parent can be updated by subtracting the old child digest and adding the new one. With a modulus
 * of practical size that sum is not collision resistant: Wagner's generalized birthday attack finds
 * sets of page values whose digests sum to a chosen target far faster than a birthday search. Here
 * a parent hashes the concatenation of its children's digests, so two different states with the
 * same root digest give a SHA-256 collision somewhere on the path (the usual Merkle-tree argument);
 * every input is prefixed with a domain byte ('P' page, 'I' interior) and the partition's position,
 * so a page digest can never pass for an interior one or for another position. The incremental
 * cost stays proportional to the pages modified: a checkpoint re-hashes each dirty page once and
 * each interior partition on a dirty path once, and an interior re-hash reads at most 256 × 32 =
 * 8 KB of child digests — at most {@code leafLevel()} such re-hashes per modified page, fewer when
 * modified pages share ancestors.
 *
 * <h2>Logical checkpoints</h2>
 * The working tree holds the current page bytes and, for every partition, the (lm, digest) tuple of
 * the last checkpoint (pages modified since then are in the dirty set; their tuples are rewritten
 * by the next {@link #checkpoint}). Each retained checkpoint has a record that holds only copies:
 * the first {@link #modify} of a page after a checkpoint copies the page's bytes into the latest
 * retained record, and every overwrite of a tuple copies the old tuple into it. The value of a page
 * or tuple at retained checkpoint c is the copy in the earliest retained record at or above c that
 * has one, else the working value. Memory beyond the working tree is therefore proportional to the
 * pages modified while checkpoints are retained, never to the size of the state.
 */
public final class PartitionTree implements Pages {
    public static final int FANOUT = 256;
    public static final int PAGE_SIZE = 4096;
    /** lm of a page whose current value is not known to belong to any checkpoint. */
    public static final long UNKNOWN_LM = -1;
    /** The largest state a tree takes: 2^24 pages, 64 GB. */
    public static final int MAX_PAGES = 1 << 24;

    private static final int D = Digest.LENGTH;
    private static final byte[] DOMAIN_PAGE = {'P'};
    private static final byte[] DOMAIN_INTERIOR = {'I'};
    /** The bytes of a page never allocated; shared, so never handed out and never written. */
    static final byte[] ZERO_PAGE = new byte[PAGE_SIZE];
    /**
     * The digest {@link #check} gives a page whose bytes no longer match: all zero bits. SHA-256
     * yields it with probability 2^-256, so it never equals a real page's digest and a transfer's
     * comparison with the correct digest always sees a difference.
     */
    private static final byte[] MARK = new byte[D];
    /** Pages hashed by one task when hashing is spread over threads. */
    private static final int CHUNK = 512;
    /** Below this many pages, hashing stays on the calling thread. */
    private static final int PARALLEL_MIN = 256;
    /** The same for interior partitions (up to 8 KB of child digests each). */
    private static final int INTERIOR_CHUNK = 32;
    private static final int INTERIOR_PARALLEL_MIN = 64;

    private final int pageCount;
    private final int leafLevel;
    /** Partitions per level. */
    private final int[] counts;
    /** Current page bytes; null means all zero and not allocated yet. Once allocated an array is never replaced. */
    private final byte[][] pages;
    /** Working tree: lm and digest (32 bytes each, flat) per partition, per level. */
    private final long[][] lms;
    private final byte[][] digests;
    /** Pages modified since the last checkpoint. */
    private final BitSet dirty;
    /** Interior partitions whose tuple is out of date (per level below the leaves); empty except during a transfer. */
    private final BitSet[] stale;
    /** Retained checkpoints, by sequence number. Invariant: empty, or the last one is {@link #lastCheckpoint}. */
    private final TreeMap<Long, Record> records = new TreeMap<>();
    /**
     * Page-sized arrays of discarded copies, reused by the next copies: in steady state the
     * copy-on-write makes no garbage (fresh 4 KB copies that live for a checkpoint interval or two
     * are the worst case for a generational collector). Never more arrays than records once held
     * at the same time, at most half the state's pages, and trimmed at each checkpoint: half of
     * the arrays no modification needed during the interval are released.
     */
    private final ArrayDeque<byte[]> spare = new ArrayDeque<>();
    private final int spareLimit;
    /** The fewest spare arrays since the last checkpoint: those nobody needed. */
    private int spareLow;
    private long lastCheckpoint;
    private boolean transferring;
    private int interiorMismatches;

    /** The copies kept for one retained checkpoint: its values of what changed since it was taken. */
    private static final class Record {
        final long seq;
        /** Page bytes at this checkpoint; {@link #ZERO_PAGE} for an all-zero page. */
        final Map<Integer, byte[]> pages = new HashMap<>();
        /** Tuples at this checkpoint, in the order they were saved; the first batch holding a partition has its value. */
        final List<Batch> tuples = new ArrayList<>();
        int tupleCount;
        long pageBytes;

        Record(long seq) { this.seq = seq; }

        /** The saved tuple of (level, index) as an index into {@code found[0]}'s arrays, or -1. */
        int find(int level, int index, Batch[] found) {
            for (Batch b : tuples) {
                if (b.level != level) continue;
                int k = Arrays.binarySearch(b.index, index);
                if (k >= 0) {
                    found[0] = b;
                    return k;
                }
            }
            return -1;
        }
    }

    /**
     * Tuples of one level saved together (all a checkpoint overwrites at that level, or all a check
     * marks): sorted indices and their old lm and digest. Flat arrays, not a map entry per tuple: a
     * checkpoint after 100,000 modified pages saves 100,000 page tuples, and a hash map spent more
     * time on them than the hashing took.
     */
    private record Batch(int level, int[] index, long[] lm, byte[] digest) {}

    /** All pages zero, checkpoint 0 taken and retained (its root digest is {@link #digest}(0)). */
    public PartitionTree(int pageCount) {
        this(pageCount, (Void) null);
        int[] all = IntStream.range(0, pageCount).toArray();
        hashPages(all, 0);
        recomputeAll();
        records.put(0L, new Record(0));
        lastCheckpoint = 0;
    }

    /** The shape only: arrays allocated, nothing hashed, nothing retained. */
    private PartitionTree(int pageCount, Void shapeOnly) {
        if (pageCount < 1 || pageCount > MAX_PAGES)
            throw new IllegalArgumentException("page count " + pageCount + " outside 1.." + MAX_PAGES);
        this.pageCount = pageCount;
        int levels = 1;
        long span = FANOUT;
        while (span < pageCount) {
            levels++;
            span *= FANOUT;
        }
        leafLevel = levels;
        counts = new int[leafLevel + 1];
        counts[leafLevel] = pageCount;
        for (int level = leafLevel - 1; level >= 0; level--) counts[level] = ceilDiv(counts[level + 1], FANOUT);
        lms = new long[leafLevel + 1][];
        digests = new byte[leafLevel + 1][];
        for (int level = 0; level <= leafLevel; level++) {
            lms[level] = new long[counts[level]];
            digests[level] = new byte[counts[level] * D];
        }
        stale = new BitSet[leafLevel];
        for (int level = 0; level < leafLevel; level++) stale[level] = new BitSet();
        pages = new byte[pageCount][];
        dirty = new BitSet(pageCount);
        spareLimit = Math.max(64, pageCount / 2);
    }

    /**
     * A tree whose working state is retained checkpoint {@code seq} with the given pages and page
     * tuples; interior tuples are recomputed, never taken from outside. Takes ownership of the
     * arrays ({@code pages[i]} null for an all-zero page). For {@link StateFile}.
     */
    static PartitionTree restore(long seq, byte[][] pages, long[] pageLms, byte[] pageDigests) {
        PartitionTree t = new PartitionTree(pages.length, (Void) null);
        if (seq < 0) throw new IllegalArgumentException("checkpoint " + seq + " is negative");
        if (pageLms.length != pages.length || pageDigests.length != pages.length * D)
            throw new IllegalArgumentException("page tuples do not match the page count " + pages.length);
        for (int i = 0; i < pages.length; i++) {
            if (pages[i] != null && pages[i].length != PAGE_SIZE)
                throw new IllegalArgumentException("page " + i + " is " + pages[i].length + " bytes, not " + PAGE_SIZE);
            t.pages[i] = pages[i];
        }
        System.arraycopy(pageLms, 0, t.lms[t.leafLevel], 0, pages.length);
        System.arraycopy(pageDigests, 0, t.digests[t.leafLevel], 0, pageDigests.length);
        t.recomputeAll();
        t.records.put(seq, new Record(seq));
        t.lastCheckpoint = seq;
        return t;
    }

    @Override public int pageCount() { return pageCount; }

    @Override public int pageSize() { return PAGE_SIZE; }

    /** At least 1: level 0 is the root, {@code leafLevel()} the pages. */
    public int leafLevel() { return leafLevel; }

    public int partitionsAt(int level) {
        checkLevel(level);
        return counts[level];
    }

    // ---- execution ----

    /** The page's current bytes, for reading (writing to them without {@link #modify} first is a bug). */
    @Override public byte[] read(int page) {
        checkPage(page);
        return allocated(page);
    }

    /** The page's current bytes, for writing: the first modification after a checkpoint keeps a copy (copy-on-write). */
    @Override public byte[] modify(int page) {
        checkPage(page);
        if (transferring) throw new IllegalStateException("modify(" + page + ") during a state transfer");
        if (!dirty.get(page)) {
            if (!records.isEmpty()) {
                Record r = records.lastEntry().getValue();
                byte[] now = pages[page];
                byte[] copy = now == null || isZero(now) ? ZERO_PAGE : copyOf(now);
                if (r.pages.putIfAbsent(page, copy) == null && copy != ZERO_PAGE) r.pageBytes += PAGE_SIZE;
            }
            dirty.set(page);
        }
        return allocated(page);
    }

    // ---- checkpoints ----

    /** Takes checkpoint {@code seq} (> {@link #lastCheckpoint()}) and returns its root digest; cost ∝ pages modified since the last. */
    public Digest checkpoint(long seq) {
        if (transferring) throw new IllegalStateException("checkpoint(" + seq + ") during a state transfer");
        if (seq <= lastCheckpoint)
            throw new IllegalArgumentException("checkpoint " + seq + " is not above the last checkpoint " + lastCheckpoint);
        int[] changed = dirty.stream().toArray();
        save(leafLevel, changed, changed.length);   // old tuples, into the previous checkpoint's record
        hashPages(changed, seq);
        for (int p : changed) stale[leafLevel - 1].set(p / FANOUT);
        refresh();
        dirty.clear();
        trimSpare();
        records.put(seq, new Record(seq));
        lastCheckpoint = seq;
        return tuple(0, 0).digest();
    }

    /** The last checkpoint taken (or completed by a transfer); it stays while a transfer runs, as the fetch's lc. */
    public long lastCheckpoint() { return lastCheckpoint; }

    /**
     * {@code seq} is stable: logical copies of checkpoints below it are discarded. A {@code seq}
     * above the last checkpoint discards every retained checkpoint.
     */
    public void discardBefore(long seq) { drop(records.headMap(seq, false)); }

    /**
     * A tree that holds only checkpoint {@code seq} of this one, as a replica restarted from that
     * saved checkpoint loads it (pages, lm and digests as of {@code seq}; later modifications gone).
     */
    public PartitionTree copyAt(long seq) {
        if (!holds(seq)) throw new IllegalArgumentException("checkpoint " + seq + " is not retained");
        byte[][] values = new byte[pageCount][];
        long[] lm = new long[pageCount];
        byte[] digest = new byte[pageCount * D];
        for (int p = 0; p < pageCount; p++) {
            Partition t = partition(seq, leafLevel, p);
            lm[p] = t.lm();
            System.arraycopy(t.digest().bytes(), 0, digest, p * D, D);
            byte[] v = pageRef(seq, p);
            values[p] = v == ZERO_PAGE || isZero(v) ? null : v.clone();
        }
        return restore(seq, values, lm, digest);
    }

    /** Drops retained checkpoints, keeping their page arrays for reuse. */
    private void drop(Map<Long, Record> gone) {
        for (Record r : gone.values())
            for (byte[] copy : r.pages.values())
                if (copy != ZERO_PAGE && spare.size() < spareLimit) spare.push(copy);
        gone.clear();
    }

    private byte[] copyOf(byte[] page) {
        byte[] copy = spare.poll();
        spareLow = Math.min(spareLow, spare.size());
        if (copy == null) return page.clone();
        System.arraycopy(page, 0, copy, 0, PAGE_SIZE);
        return copy;
    }

    private void trimSpare() {
        for (int i = spareLow / 2; i > 0; i--) spare.poll();
        spareLow = spare.size();
    }

    public boolean holds(long seq) { return records.containsKey(seq); }

    /** The retained checkpoints, ascending. */
    public List<Long> retained() { return List.copyOf(records.keySet()); }

    /** Root digest of retained checkpoint {@code seq}. */
    public Digest digest(long seq) { return partition(seq, 0, 0).digest(); }

    /** Pages modified since the last checkpoint. */
    public int dirtyPages() { return dirty.cardinality(); }

    /** Whether {@code page} was modified since the last checkpoint (its digest is not computed yet). */
    public boolean modifiedSinceCheckpoint(int page) { return dirty.get(page); }

    // ---- serving a transfer: a retained checkpoint's tree ----

    public Partition partition(long seq, int level, int index) {
        checkPartition(level, index);
        return tupleAt(retainedTail(seq), level, index);
    }

    /** The children of interior partition (level, index) at checkpoint {@code seq}, in index order. */
    public List<Partition> children(long seq, int level, int index) {
        checkInterior(level, index);
        var tail = retainedTail(seq);
        List<Partition> out = new ArrayList<>();
        for (int c = firstChild(index); c < endChild(level, index); c++) out.add(tupleAt(tail, level + 1, c));
        return out;
    }

    /** A copy of the page's value at checkpoint {@code seq}. */
    public byte[] pageAt(long seq, int page) { return pageRef(seq, page).clone(); }

    /** The page's bytes at retained checkpoint {@code seq}, not copied: never write to them. For {@link StateFile}. */
    byte[] pageRef(long seq, int page) {
        checkPage(page);
        for (Record r : retainedTail(seq).values()) {
            byte[] copy = r.pages.get(page);
            if (copy != null) return copy;
        }
        return pages[page] == null ? ZERO_PAGE : pages[page];
    }

    // ---- fetching: the working tree ----

    /** Drops every retained checkpoint; pages modified since the last checkpoint get lm UNKNOWN. */
    public void beginTransfer() {
        drop(records);
        int[] changed = dirty.stream().toArray();
        hashPages(changed, UNKNOWN_LM);
        for (int p : changed) stale[leafLevel - 1].set(p / FANOUT);
        dirty.clear();
        transferring = true;
    }

    public boolean transferring() { return transferring; }

    /** The working tree's entry for (level, index) (interior digests recomputed as needed). */
    public Partition local(int level, int index) {
        checkPartition(level, index);
        refresh();
        return tuple(level, index);
    }

    /**
     * Whether the working tree's entry for (level, index) has {@code digest}: {@link #local} without
     * building a Partition (a transfer compares every child of every META-DATA it gets).
     */
    public boolean localDigestIs(int level, int index, Digest digest) {
        checkPartition(level, index);
        refresh();
        return Arrays.equals(digests[level], index * D, index * D + D, digest.bytes(), 0, D);
    }

    /** The working tree's lm for (level, index). */
    public long localLm(int level, int index) {
        checkPartition(level, index);
        refresh();
        return lms[level][index];
    }

    /** The working tree's children of interior partition (level, index), in index order. */
    public List<Partition> localChildren(int level, int index) {
        checkInterior(level, index);
        refresh();
        List<Partition> out = new ArrayList<>();
        for (int c = firstChild(index); c < endChild(level, index); c++) out.add(tuple(level + 1, c));
        return out;
    }

    /** A fetched page: its digest H(page, lm, value) is computed here. */
    public void installPage(int page, long lm, byte[] value) {
        checkValue(value);
        installVerified(page, lm, value.clone(), pageDigest(page, lm, value));
    }

    /**
     * A fetched page that the caller has already checked against {@code digest} = H(page, lm, value)
     * (the transfer checks every DATA before installing it): the page is not hashed again, and
     * {@code value} may become the page (not copied) — the caller must not use it afterwards.
     */
    public void installVerified(int page, long lm, byte[] value, Digest digest) {
        checkPage(page);
        requireTransfer("installPage");
        checkValue(value);
        Objects.requireNonNull(digest, "digest");
        if (lm < 0) throw new IllegalArgumentException("page " + page + ": lm " + lm + " is not a checkpoint");
        // An allocated array is never replaced (see pages), so it takes the bytes; otherwise the
        // value becomes the page, unless it is all zero (a page never allocated).
        if (pages[page] != null) System.arraycopy(value, 0, pages[page], 0, PAGE_SIZE);
        else if (!isZero(value)) pages[page] = value;
        setPage(page, lm, digest.bytes());
    }

    /** If H(page, lm, local value) equals {@code digest}, takes lm and returns true (nothing to fetch). */
    public boolean adoptIfMatches(int page, long lm, Digest digest) {
        checkPage(page);
        requireTransfer("adoptIfMatches");
        Objects.requireNonNull(digest, "digest");
        if (!pageDigest(page, lm, pages[page] == null ? ZERO_PAGE : pages[page]).equals(digest)) return false;
        setPage(page, lm, digest.bytes());
        return true;
    }

    /**
     * If the working tree's root equals {@code expected}, it becomes retained checkpoint {@code seq}
     * (the last checkpoint from then on, whatever it was before) and the transfer ends; otherwise
     * returns false and the transfer goes on.
     */
    public boolean completeTransfer(long seq, Digest expected) {
        requireTransfer("completeTransfer");
        if (seq < 0) throw new IllegalArgumentException("checkpoint " + seq + " is negative");
        Objects.requireNonNull(expected, "expected");
        refresh();
        if (!tuple(0, 0).digest().equals(expected)) return false;
        transferring = false;
        records.put(seq, new Record(seq));
        lastCheckpoint = seq;
        return true;
    }

    private void setPage(int page, long lm, byte[] digest) {
        lms[leafLevel][page] = lm;
        System.arraycopy(digest, 0, digests[leafLevel], page * D, D);
        stale[leafLevel - 1].set(page / FANOUT);
    }

    /**
     * Pages whose working tuple differs from the given (lm, digest) per page, or that were modified
     * since the last checkpoint (their working digest is not computed yet). A page in neither has
     * not changed since those tuples were taken, so its tuple at any retained checkpoint is the
     * same. For {@link PageStore}: a scan of the leaf arrays, no hashing.
     */
    BitSet leafTuplesDiffering(long[] lm, byte[] digest) {
        if (lm.length != pageCount || digest.length != pageCount * D) throw new IllegalArgumentException("tuples for " + lm.length + " pages");
        BitSet out = (BitSet) dirty.clone();
        long[] mine = lms[leafLevel];
        byte[] d = digests[leafLevel];
        for (int p = 0; p < pageCount; p++) {
            if (mine[p] != lm[p] || !Arrays.equals(d, p * D, p * D + D, digest, p * D, p * D + D)) out.set(p);
        }
        return out;
    }

    // ---- checking ----

    /**
     * Pages whose value no longer matches its digest; they are marked so a transfer fetches them.
     * Every page not modified since the last checkpoint is re-hashed from (index, lm, value), on all
     * cores; a mismatching page's digest becomes all zero bits (no page gives it), in the working
     * tree only — retained checkpoints keep the tuples they were taken with. Every interior digest is
     * then recomputed from its children; {@link #interiorMismatches()} counts those that were wrong
     * for another reason than a marked page below them (and are now repaired).
     */
    public BitSet check() {
        refresh();
        int chunks = ceilDiv(pageCount, CHUNK);
        BitSet bad = new BitSet(pageCount);
        IntStream.range(0, chunks).parallel()
                .mapToObj(c -> checkRange(c * CHUNK, Math.min(pageCount, (c + 1) * CHUNK)))
                .forEachOrdered(found -> { for (int p : found) bad.set(p); });
        BitSet explained = new BitSet();
        int[] mark = bad.stream().filter(p -> !Arrays.equals(digests[leafLevel], p * D, p * D + D, MARK, 0, D)).toArray();   // not marked before
        save(leafLevel, mark, mark.length);
        for (int p : mark) {
            System.arraycopy(MARK, 0, digests[leafLevel], p * D, D);
            explained.set(p / FANOUT);
        }
        int mismatches = 0;
        for (int level = leafLevel - 1; level >= 0; level--) {
            BitSet changed = recomputeLevel(level, IntStream.range(0, counts[level]).toArray());
            BitSet parents = new BitSet();
            for (int i = changed.nextSetBit(0); i >= 0; i = changed.nextSetBit(i + 1)) {
                parents.set(i / FANOUT);
                if (!explained.get(i)) mismatches++;
            }
            explained = parents;
        }
        interiorMismatches = mismatches;
        return bad;
    }

    /** Interior partitions the last {@link #check} found with a wrong digest not caused by a marked page. */
    public int interiorMismatches() { return interiorMismatches; }

    private int[] checkRange(int from, int to) {
        Digests.Hasher h = Digests.hasher();
        int[] found = new int[0];
        byte[] leaf = digests[leafLevel];
        long[] lm = lms[leafLevel];
        for (int p = from; p < to; p++) {
            if (dirty.get(p)) continue;
            byte[] d = h.put(DOMAIN_PAGE).putInt(p).putLong(lm[p]).put(pages[p] == null ? ZERO_PAGE : pages[p]).done().bytes();
            if (!Arrays.equals(d, 0, D, leaf, p * D, p * D + D)) {
                found = Arrays.copyOf(found, found.length + 1);
                found[found.length - 1] = p;
            }
        }
        return found;
    }

    // ---- digests ----

    public static Digest pageDigest(int page, long lm, byte[] value) {
        checkValue(value);
        return Digests.hasher().put(DOMAIN_PAGE).putInt(page).putLong(lm).put(value).done();
    }

    public static Digest interiorDigest(int level, int index, long lm, List<Partition> children) {
        if (children.isEmpty() || children.size() > FANOUT)
            throw new IllegalArgumentException(children.size() + " children, expected 1.." + FANOUT);
        byte[] cat = new byte[children.size() * D];
        for (int i = 0; i < children.size(); i++) System.arraycopy(children.get(i).digest().bytes(), 0, cat, i * D, D);
        return interiorDigest(Digests.hasher(), level, index, lm, cat, 0, cat.length);
    }

    private static Digest interiorDigest(Digests.Hasher h, int level, int index, long lm, byte[] childDigests, int off, int len) {
        Digest inner = h.put(childDigests, off, len).done();
        return h.put(DOMAIN_INTERIOR).putInt(level).putInt(index).putLong(lm).put(inner).done();
    }

    // ---- copy-on-write records ----

    /** Diagnostics: the bytes of page copies and tuples held by retained checkpoints' records. */
    public long copyBytes() {
        long total = 0;
        for (Record r : records.values()) total += r.pageBytes + (long) r.tupleCount * (4 + 8 + D);
        return total;
    }

    /** Page copies held by retained checkpoint {@code seq}'s record (all-zero pages included, they cost no page). */
    public int copiedPages(long seq) { return record(seq).pages.size(); }

    /** Tuple copies held by retained checkpoint {@code seq}'s record. */
    public int copiedTuples(long seq) { return record(seq).tupleCount; }

    private Record record(long seq) {
        Record r = records.get(seq);
        if (r == null) throw notRetained(seq);
        return r;
    }

    /**
     * Keeps the working tuples of {@code sorted[0..count)} (ascending indices at {@code level}) in
     * the latest retained record, before they are overwritten. A partition saved twice for the same
     * record keeps its first copy: lookups take the first batch that holds it.
     */
    private void save(int level, int[] sorted, int count) {
        if (records.isEmpty() || count == 0) return;
        Record r = records.lastEntry().getValue();
        int[] index = Arrays.copyOf(sorted, count);
        long[] lm = new long[count];
        byte[] digest = new byte[count * D];
        long[] from = lms[level];
        byte[] d = digests[level];
        for (int k = 0; k < count; k++) {
            lm[k] = from[index[k]];
            System.arraycopy(d, index[k] * D, digest, k * D, D);
        }
        r.tuples.add(new Batch(level, index, lm, digest));
        r.tupleCount += count;
    }

    private Map<Long, Record> retainedTail(long seq) {
        if (!records.containsKey(seq)) throw notRetained(seq);
        return records.tailMap(seq, true);
    }

    private Partition tupleAt(Map<Long, Record> tail, int level, int index) {
        Batch[] found = new Batch[1];
        for (Record r : tail.values()) {
            int k = r.find(level, index, found);
            if (k >= 0) return new Partition(found[0].lm()[k], new Digest(Arrays.copyOfRange(found[0].digest(), k * D, k * D + D)));
        }
        return tuple(level, index);
    }

    private IllegalArgumentException notRetained(long seq) {
        return new IllegalArgumentException("checkpoint " + seq + " is not retained (retained: " + records.keySet()
                + (transferring ? ", a state transfer is running" : "") + ")");
    }

    // ---- the working tree ----

    private Partition tuple(int level, int index) {
        return new Partition(lms[level][index], new Digest(Arrays.copyOfRange(digests[level], index * D, index * D + D)));
    }

    /** Re-hashes {@code which} pages with lm {@code lm}, spread over threads when there are many. */
    private void hashPages(int[] which, long lm) {
        long[] leafLm = lms[leafLevel];
        byte[] leaf = digests[leafLevel];
        int n = which.length;
        if (n < PARALLEL_MIN) {
            hashRange(which, 0, n, lm, leafLm, leaf);
            return;
        }
        IntStream.range(0, ceilDiv(n, CHUNK)).parallel()
                .forEach(c -> hashRange(which, c * CHUNK, Math.min(n, (c + 1) * CHUNK), lm, leafLm, leaf));
    }

    private void hashRange(int[] which, int from, int to, long lm, long[] leafLm, byte[] leaf) {
        Digests.Hasher h = Digests.hasher();
        for (int i = from; i < to; i++) {
            int p = which[i];
            leafLm[p] = lm;
            byte[] d = h.put(DOMAIN_PAGE).putInt(p).putLong(lm).put(pages[p] == null ? ZERO_PAGE : pages[p]).done().bytes();
            System.arraycopy(d, 0, leaf, p * D, D);
        }
    }

    /** Recomputes the stale interior partitions bottom-up; cost ∝ the paths that changed. */
    private void refresh() {
        for (int level = leafLevel - 1; level >= 0; level--) {
            BitSet s = stale[level];
            if (s.isEmpty()) continue;
            int[] which = s.stream().toArray();
            s.clear();
            BitSet changed = recomputeLevel(level, which);
            if (level > 0) for (int i = changed.nextSetBit(0); i >= 0; i = changed.nextSetBit(i + 1)) stale[level - 1].set(i / FANOUT);
        }
    }

    /** Every interior partition, bottom-up (building a tree). */
    private void recomputeAll() {
        for (int level = leafLevel - 1; level >= 0; level--) recomputeLevel(level, IntStream.range(0, counts[level]).toArray());
    }

    /**
     * Recomputes interior partitions {@code which} (ascending) of one level from their children and returns
     * those whose tuple changed, after saving their old tuples (copy-on-write). The hashing (up to
     * 8 KB of child digests each) is spread over threads when there are many — a checkpoint after
     * 1000 scattered pages re-hashes some 600 of them, more bytes than the pages themselves; the
     * tuples are compared, saved and stored on the calling thread.
     */
    private BitSet recomputeLevel(int level, int[] which) {
        int n = which.length;
        long[] lm = new long[n];
        byte[] dg = new byte[n * D];
        if (n < INTERIOR_PARALLEL_MIN) interiorRange(level, which, 0, n, lm, dg);
        else IntStream.range(0, ceilDiv(n, INTERIOR_CHUNK)).parallel()
                .forEach(c -> interiorRange(level, which, c * INTERIOR_CHUNK, Math.min(n, (c + 1) * INTERIOR_CHUNK), lm, dg));
        long[] lms = this.lms[level];
        byte[] digests = this.digests[level];
        int[] differ = new int[n];   // positions in which whose tuple changed
        int count = 0;
        for (int k = 0; k < n; k++) {
            int i = which[k];
            if (lms[i] != lm[k] || !Arrays.equals(dg, k * D, k * D + D, digests, i * D, i * D + D)) differ[count++] = k;
        }
        int[] indices = new int[count];
        for (int c = 0; c < count; c++) indices[c] = which[differ[c]];
        save(level, indices, count);
        BitSet changed = new BitSet();
        for (int c = 0; c < count; c++) {
            int k = differ[c], i = indices[c];
            lms[i] = lm[k];
            System.arraycopy(dg, k * D, digests, i * D, D);
            changed.set(i);
        }
        return changed;
    }

    private void interiorRange(int level, int[] which, int from, int to, long[] lmOut, byte[] digestOut) {
        Digests.Hasher h = Digests.hasher();
        long[] below = lms[level + 1];
        for (int k = from; k < to; k++) {
            int index = which[k];
            int first = firstChild(index), end = endChild(level, index);
            long lm = Long.MIN_VALUE;
            for (int c = first; c < end; c++) lm = Math.max(lm, below[c]);
            lmOut[k] = lm;
            byte[] d = interiorDigest(h, level, index, lm, digests[level + 1], first * D, (end - first) * D).bytes();
            System.arraycopy(d, 0, digestOut, k * D, D);
        }
    }

    private byte[] allocated(int page) {
        byte[] p = pages[page];
        if (p == null) pages[page] = p = new byte[PAGE_SIZE];
        return p;
    }

    private static int firstChild(int index) { return index * FANOUT; }

    private int endChild(int level, int index) { return Math.min((index + 1) * FANOUT, counts[level + 1]); }

    static boolean isZero(byte[] page) { return Arrays.equals(page, ZERO_PAGE); }

    private static int ceilDiv(int a, int b) { return (a + b - 1) / b; }

    // ---- argument checks ----

    private void requireTransfer(String what) {
        if (!transferring) throw new IllegalStateException(what + " outside a state transfer (call beginTransfer first)");
    }

    private void checkPage(int page) {
        if (page < 0 || page >= pageCount)
            throw new IllegalArgumentException("page " + page + " outside 0.." + (pageCount - 1));
    }

    private void checkLevel(int level) {
        if (level < 0 || level > leafLevel)
            throw new IllegalArgumentException("level " + level + " outside 0.." + leafLevel);
    }

    private void checkPartition(int level, int index) {
        checkLevel(level);
        if (index < 0 || index >= counts[level])
            throw new IllegalArgumentException("partition " + index + " outside 0.." + (counts[level] - 1) + " at level " + level);
    }

    private void checkInterior(int level, int index) {
        checkPartition(level, index);
        if (level == leafLevel) throw new IllegalArgumentException("level " + level + " holds pages, which have no children");
    }

    private static void checkValue(byte[] value) {
        if (value == null || value.length != PAGE_SIZE)
            throw new IllegalArgumentException("a page value is " + PAGE_SIZE + " bytes, not " + (value == null ? "null" : value.length));
    }
}
