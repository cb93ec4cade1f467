package io.bulwark.bft.state;

import io.bulwark.bft.crypto.Digest;
import java.util.BitSet;
import java.util.List;

/**
 * CONTRACT ONLY — being implemented on branch state-tree; every method below is specified, none
 * works yet.
 * <p>
 * The replicated state as 4 KB pages under a partition tree of fan-out 256 (section 4.6.2), with
 * copy-on-write logical checkpoints. Not thread-safe: one thread (the replica's) uses it.
 * <p>
 * Level 0 is the root; level {@link #leafLevel()} holds the pages. A page's digest is
 * H(index, lm, value); an interior partition's digest is H(level, index, lm, H(children's digests))
 * with lm the maximum of its children's — plain re-hashing of the dirty path (a Merkle tree), which
 * is collision resistant because SHA-256 is; only partitions on the path of a page modified since
 * the last checkpoint are re-hashed.
 */
public final class PartitionTree {
    public static final int FANOUT = 256;
    public static final int PAGE_SIZE = 4096;
    /** lm of a page whose current value is not known to belong to any checkpoint. */
    public static final long UNKNOWN_LM = -1;

    /** All pages zero, checkpoint 0 taken and retained (its root digest is {@link #digest}(0)). */
    public PartitionTree(int pageCount) { throw new UnsupportedOperationException("state-tree branch"); }

    public int pageCount() { throw new UnsupportedOperationException(); }
    /** At least 1: level 0 is the root, {@code leafLevel()} the pages. */
    public int leafLevel() { throw new UnsupportedOperationException(); }
    public int partitionsAt(int level) { throw new UnsupportedOperationException(); }

    // ---- execution ----
    /** The page's current bytes, for reading. */
    public byte[] read(int page) { throw new UnsupportedOperationException(); }
    /** The page's current bytes, for writing: the first modification after a checkpoint keeps a copy (copy-on-write). */
    public byte[] modify(int page) { throw new UnsupportedOperationException(); }

    // ---- checkpoints ----
    /** Takes checkpoint {@code seq} (> {@link #lastCheckpoint()}) and returns its root digest; cost ∝ pages modified since the last. */
    public Digest checkpoint(long seq) { throw new UnsupportedOperationException(); }
    public long lastCheckpoint() { throw new UnsupportedOperationException(); }
    /** {@code seq} is stable: logical copies of checkpoints below it are discarded. */
    public void discardBefore(long seq) { throw new UnsupportedOperationException(); }
    public boolean holds(long seq) { throw new UnsupportedOperationException(); }
    /** Root digest of retained checkpoint {@code seq}. */
    public Digest digest(long seq) { throw new UnsupportedOperationException(); }

    // ---- serving a transfer: a retained checkpoint's tree ----
    public Partition partition(long seq, int level, int index) { throw new UnsupportedOperationException(); }
    /** The children of interior partition (level, index) at checkpoint {@code seq}, in index order. */
    public List<Partition> children(long seq, int level, int index) { throw new UnsupportedOperationException(); }
    /** A copy of the page's value at checkpoint {@code seq}. */
    public byte[] pageAt(long seq, int page) { throw new UnsupportedOperationException(); }

    // ---- fetching: the working tree ----
    /** Drops every retained checkpoint; pages modified since the last checkpoint get lm UNKNOWN. */
    public void beginTransfer() { throw new UnsupportedOperationException(); }
    /** The working tree's entry for (level, index) (interior digests recomputed as needed). */
    public Partition local(int level, int index) { throw new UnsupportedOperationException(); }
    /** A page fetched and verified by the caller against {@code pageDigest(page, lm, value)}. */
    public void installPage(int page, long lm, byte[] value) { throw new UnsupportedOperationException(); }
    /** If H(page, lm, local value) equals {@code digest}, takes lm and returns true (nothing to fetch). */
    public boolean adoptIfMatches(int page, long lm, Digest digest) { throw new UnsupportedOperationException(); }
    /** If the working tree's root equals {@code expected}, it becomes retained checkpoint {@code seq}. */
    public boolean completeTransfer(long seq, Digest expected) { throw new UnsupportedOperationException(); }

    // ---- checking ----
    /** Pages whose value no longer matches its digest; they are marked so a transfer fetches them. */
    public BitSet check() { throw new UnsupportedOperationException(); }

    public static Digest pageDigest(int page, long lm, byte[] value) { throw new UnsupportedOperationException(); }
    public static Digest interiorDigest(int level, int index, long lm, List<Partition> children) { throw new UnsupportedOperationException(); }
}
