package io.bulwark.bft.state;

import static io.bulwark.bft.state.PartitionTree.PAGE_SIZE;

import io.bulwark.bft.crypto.Digest;
import io.bulwark.bft.crypto.Digests;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.Arrays;
import java.util.BitSet;
import java.util.HexFormat;

/**
 * A running replica's saved state, written incrementally at stable checkpoints into a directory:
 * <pre>
 *   pages    page i at offset i × 4096 (a sparse file: pages never written read as zero)
 *   tuples   page i's lm (8) and digest (32) at offset i × 40
 *   header   magic "BLWKPGST" (8) | version (4) | page size (4) | page count (4) | checkpoint (8)
 *            | root digest (32) | SHA-256 of the 60 bytes before it (32)
 * </pre>
 * A save writes only the pages whose tuple at the checkpoint differs from the one last written
 * (so its cost is proportional to the pages modified since, not to the state), forces both files,
 * and then replaces the header atomically (temporary file, fsync, rename). The header is the
 * commit point: it names a checkpoint only once every page and tuple of that checkpoint is on disk.
 * <p>
 * The work is split so that a replica's event loop is not stalled by the disk: {@link #snapshot}
 * (on the loop, while the checkpoint is retained) copies only the changed pages and their tuples,
 * at most {@code maxPages} of them; {@link Snapshot#write} (on any one thread) does the I/O. A
 * snapshot that hits the cap writes what it holds but leaves the header alone, and the next one
 * continues. A crash (or a failed write) between a snapshot's first page and its header leaves
 * pages newer than the header's checkpoint: on {@link #load} the root recomputed from the tuples
 * then differs from the header's, which says the state is not that checkpoint (see {@link Loaded}).
 * <p>
 * Not thread-safe: one thread takes snapshots, one write runs at a time.
 */
public final class PageStore {
    static final byte[] MAGIC = "BLWKPGST".getBytes(StandardCharsets.US_ASCII);
    static final int VERSION = 1;
    static final int HEADER_FIELDS = 8 + 4 + 4 + 4 + 8 + Digest.LENGTH;
    static final int HEADER = HEADER_FIELDS + Digest.LENGTH;
    static final int TUPLE = 8 + Digest.LENGTH;
    public static final String PAGES = "pages", TUPLES = "tuples", HEADER_FILE = "header";
    /** An lm no tuple has: the page's bytes and tuple on disk are unknown; the next snapshot writes both. */
    private static final long UNWRITTEN = Long.MIN_VALUE;
    /** The same, for a page whose region of the pages file was never written (it reads as zero). */
    private static final long FRESH = Long.MIN_VALUE + 1;

    private final Path dir;
    private final int pageCount;
    /** The tuples as on disk once the writes handed out so far have completed. */
    private final long[] savedLm;
    private final byte[] savedDigest;
    /** The checkpoint the header names (-1: none yet). */
    private long headerSeq;

    private PageStore(Path dir, int pageCount, long[] savedLm, byte[] savedDigest, long headerSeq) {
        this.dir = dir;
        this.pageCount = pageCount;
        this.savedLm = savedLm;
        this.savedDigest = savedDigest;
        this.headerSeq = headerSeq;
    }

    /** Whether {@code dir} holds a saved state (its header). */
    public static boolean exists(Path dir) { return Files.isRegularFile(dir.resolve(HEADER_FILE)); }

    /**
     * A store for a state of {@code pageCount} pages in {@code dir}, created if missing. If it holds
     * a saved state, its page count must be {@code pageCount}, and {@code loaded} must be what
     * {@link #load} read from it (the tuples on disk), and {@code corrupt} the pages its check found
     * corrupt (written again by the first snapshot, whatever their tuple); without a saved state
     * every page is written by the first snapshot.
     */
    public static PageStore open(Path dir, int pageCount, Loaded loaded, BitSet corrupt) throws IOException {
        if (pageCount < 1 || pageCount > PartitionTree.MAX_PAGES) throw new IllegalArgumentException("page count " + pageCount);
        Files.createDirectories(dir);
        long[] lm = new long[pageCount];
        byte[] digest = new byte[pageCount * Digest.LENGTH];
        Arrays.fill(lm, FRESH);
        long seq = -1;
        if (loaded == null) {
            // No header: whatever an interrupted first save left is not a state; start the files empty.
            for (String f : new String[] {PAGES, TUPLES}) Files.deleteIfExists(dir.resolve(f));
        } else {
            if (loaded.tree().pageCount() != pageCount)
                throw new IOException(dir + ": the saved state has " + loaded.tree().pageCount() + " pages, this replica " + pageCount);
            System.arraycopy(loaded.diskLm(), 0, lm, 0, pageCount);
            System.arraycopy(loaded.diskDigests(), 0, digest, 0, digest.length);
            if (corrupt != null) for (int p = corrupt.nextSetBit(0); p >= 0 && p < pageCount; p = corrupt.nextSetBit(p + 1)) lm[p] = UNWRITTEN;
            seq = loaded.seq();
        }
        for (String f : new String[] {PAGES, TUPLES}) {
            Path p = dir.resolve(f);
            if (!Files.exists(p)) Files.createFile(p);
        }
        return new PageStore(dir, pageCount, lm, digest, seq);
    }

    public Path dir() { return dir; }

    /** The checkpoint the header names, or -1. */
    public long headerSeq() { return headerSeq; }

    /**
     * The pages of retained checkpoint {@code seq} whose tuple differs from the one written last,
     * copied (at most {@code maxPages} copies), with their tuples; an all-zero page whose region was
     * never written needs no copy and no page write, only its tuple. Afterwards the store counts them
     * as written; if the write fails, call {@link #forget} so they are written again.
     */
    public Snapshot snapshot(PartitionTree tree, long seq, int maxPages) {
        if (tree.pageCount() != pageCount) throw new IllegalArgumentException("tree of " + tree.pageCount() + " pages, store of " + pageCount);
        if (maxPages < 1) throw new IllegalArgumentException("maxPages " + maxPages);
        BitSet candidates = tree.leafTuplesDiffering(savedLm, savedDigest);
        int leaf = tree.leafLevel();
        int size = candidates.cardinality();
        int[] index = new int[size];
        long[] lm = new long[size];
        byte[] digest = new byte[size * Digest.LENGTH];
        byte[][] copies = new byte[size][];
        int count = 0, copied = 0;
        boolean complete = true;
        for (int p = candidates.nextSetBit(0); p >= 0; p = candidates.nextSetBit(p + 1)) {
            Partition t = tree.partition(seq, leaf, p);
            byte[] d = t.digest().bytes();
            if (t.lm() == savedLm[p] && Arrays.equals(d, 0, Digest.LENGTH, savedDigest, p * Digest.LENGTH, (p + 1) * Digest.LENGTH)) continue;
            byte[] value = tree.pageRef(seq, p);
            boolean skipPage = savedLm[p] == FRESH && PartitionTree.isZero(value);
            if (!skipPage && copied == maxPages) {
                complete = false;
                break;
            }
            index[count] = p;
            lm[count] = t.lm();
            System.arraycopy(d, 0, digest, count * Digest.LENGTH, Digest.LENGTH);
            if (!skipPage) {
                copies[count] = value.clone();
                copied++;
            }
            savedLm[p] = t.lm();
            System.arraycopy(d, 0, savedDigest, p * Digest.LENGTH, Digest.LENGTH);
            count++;
        }
        Digest root = complete ? tree.digest(seq) : null;
        if (complete) headerSeq = seq;
        return new Snapshot(this, seq, root, Arrays.copyOf(index, count), Arrays.copyOf(lm, count),
                Arrays.copyOf(digest, count * Digest.LENGTH), Arrays.copyOf(copies, count));
    }

    /** After a failed write: nothing on disk is trusted, the next snapshot writes every page. */
    public void forget() {
        Arrays.fill(savedLm, UNWRITTEN);
        headerSeq = -1;
    }

    /**
     * Changed pages of one checkpoint, copied, ready to be written off the event loop.
     *
     * @param root   the checkpoint's root digest if the snapshot is complete (the header is then
     *               replaced), null if it hit its cap
     * @param values the pages' bytes; null for an all-zero page whose region was never written
     */
    public record Snapshot(PageStore store, long seq, Digest root, int[] pages, long[] lms, byte[] digests, byte[][] values) {
        public boolean complete() { return root != null; }

        /** Writes the pages and tuples, forces them to disk, then (if complete) replaces the header. */
        public void write() throws IOException {
            Path dir = store.dir;
            try (FileChannel pc = FileChannel.open(dir.resolve(PAGES), StandardOpenOption.WRITE);
                 FileChannel tc = FileChannel.open(dir.resolve(TUPLES), StandardOpenOption.WRITE)) {
                ByteBuffer tuple = ByteBuffer.allocate(TUPLE);
                for (int k = 0; k < pages.length; k++) {
                    if (values[k] != null) writeFully(pc, ByteBuffer.wrap(values[k]), (long) pages[k] * PAGE_SIZE);
                    tuple.clear();
                    tuple.putLong(lms[k]).put(digests, k * Digest.LENGTH, Digest.LENGTH).flip();
                    writeFully(tc, tuple, (long) pages[k] * TUPLE);
                }
                // Both files cover the whole state, so a never-written page reads as zero with a zero tuple.
                if (pc.size() < (long) store.pageCount * PAGE_SIZE) writeFully(pc, ByteBuffer.allocate(1), (long) store.pageCount * PAGE_SIZE - 1);
                if (tc.size() < (long) store.pageCount * TUPLE) writeFully(tc, ByteBuffer.allocate(1), (long) store.pageCount * TUPLE - 1);
                pc.force(false);
                tc.force(false);
            }
            if (complete()) writeHeader(dir, store.pageCount, seq, root);
        }

        /** Bytes of page data this snapshot holds. */
        public long bytes() {
            long n = 0;
            for (byte[] v : values) if (v != null) n += PAGE_SIZE;
            return n;
        }
    }

    private static void writeFully(FileChannel ch, ByteBuffer b, long pos) throws IOException {
        while (b.hasRemaining()) pos += ch.write(b, pos);
    }

    private static void writeHeader(Path dir, int pageCount, long seq, Digest root) throws IOException {
        ByteBuffer h = ByteBuffer.allocate(HEADER);
        h.put(MAGIC).putInt(VERSION).putInt(PAGE_SIZE).putInt(pageCount).putLong(seq).put(root.bytes());
        h.put(Digests.of(h.array(), 0, HEADER_FIELDS).bytes());
        Path tmp = Files.createTempFile(dir, HEADER_FILE + ".", ".tmp");
        boolean done = false;
        try {
            try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.WRITE, StandardOpenOption.TRUNCATE_EXISTING)) {
                h.flip();
                writeFully(ch, h, 0);
                ch.force(true);
            }
            try {
                Files.move(tmp, dir.resolve(HEADER_FILE), StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            } catch (AtomicMoveNotSupportedException e) {
                throw new IOException("cannot replace " + dir.resolve(HEADER_FILE) + " atomically: " + e.getMessage(), e);
            }
            done = true;
            StateFile.syncDirectory(dir);
        } finally {
            if (!done) Files.deleteIfExists(tmp);
        }
    }

    // ---- reading ----

    /**
     * A saved state read back: the tree (its working state is checkpoint {@code seq}, retained),
     * the root recorded in the header, and the tuples as found on disk.
     */
    public record Loaded(PartitionTree tree, long seq, Digest storedRoot, long[] diskLm, byte[] diskDigests) {
        /** The root recomputed from the tuples is the header's: every page and tuple of {@code seq} was written. */
        public boolean rootMatches() { return tree.digest(seq).equals(storedRoot); }
    }

    /** Reads the saved state in {@code dir}; a missing or garbled header, or files of the wrong size, are IOExceptions naming the problem. */
    public static Loaded load(Path dir) throws IOException { return load(dir, -1); }

    /** The largest checkpoint a header may name. */
    static final long MAX_SEQ = Long.MAX_VALUE / 4;

    /**
     * Loads a saved state that must have {@code expectedPages} pages (any, if negative): checked
     * from the header before anything is allocated, so a hostile header cannot make a replica
     * allocate a state far larger than its own.
     */
    public static Loaded load(Path dir, int expectedPages) throws IOException {
        Path hf = dir.resolve(HEADER_FILE);
        if (!Files.isRegularFile(hf)) throw new IOException(dir + ": no saved state (no " + HEADER_FILE + " file)");
        byte[] h = Files.readAllBytes(hf);
        if (h.length != HEADER) throw new IOException(hf + ": " + h.length + " bytes, a header has " + HEADER);
        if (!Arrays.equals(h, 0, MAGIC.length, MAGIC, 0, MAGIC.length))
            throw new IOException(hf + ": not a Bulwark page-store header (magic " + HexFormat.of().formatHex(h, 0, MAGIC.length) + ")");
        if (!Arrays.equals(Digests.of(h, 0, HEADER_FIELDS).bytes(), 0, Digest.LENGTH, h, HEADER_FIELDS, HEADER))
            throw new IOException(hf + ": header checksum mismatch (garbled header)");
        ByteBuffer b = ByteBuffer.wrap(h, MAGIC.length, HEADER_FIELDS - MAGIC.length);
        int version = b.getInt(), pageSize = b.getInt(), n = b.getInt();
        long seq = b.getLong();
        byte[] root = new byte[Digest.LENGTH];
        b.get(root);
        if (version != VERSION) throw new IOException(hf + ": version " + version + ", this build reads version " + VERSION);
        if (pageSize != PAGE_SIZE) throw new IOException(hf + ": page size " + pageSize + ", expected " + PAGE_SIZE);
        if (n < 1 || n > PartitionTree.MAX_PAGES) throw new IOException(hf + ": page count " + n + " outside 1.." + PartitionTree.MAX_PAGES);
        if (seq < 0) throw new IOException(hf + ": checkpoint " + seq + " is negative");
        // Far below overflow of seq + L and friends in the core, and far above any real checkpoint.
        if (seq > MAX_SEQ) throw new IOException(hf + ": checkpoint " + seq + " is beyond " + MAX_SEQ);
        if (expectedPages >= 0 && n != expectedPages) throw new IOException(hf + ": the saved state has " + n + " pages, this replica " + expectedPages);
        long[] lms = new long[n];
        byte[] digests = new byte[n * Digest.LENGTH];
        try (FileChannel tc = FileChannel.open(dir.resolve(TUPLES), StandardOpenOption.READ)) {
            if (tc.size() != (long) n * TUPLE) throw new IOException(dir.resolve(TUPLES) + ": " + tc.size() + " bytes, " + n + " pages need " + (long) n * TUPLE);
            ByteBuffer all = ByteBuffer.allocate(n * TUPLE);
            while (all.hasRemaining()) if (tc.read(all, all.position()) < 0) throw new IOException(dir.resolve(TUPLES) + ": ends early");
            all.flip();
            for (int p = 0; p < n; p++) {
                lms[p] = all.getLong();
                all.get(digests, p * Digest.LENGTH, Digest.LENGTH);
            }
        }
        byte[][] pages = new byte[n][];
        try (FileChannel pc = FileChannel.open(dir.resolve(PAGES), StandardOpenOption.READ)) {
            if (pc.size() != (long) n * PAGE_SIZE) throw new IOException(dir.resolve(PAGES) + ": " + pc.size() + " bytes, " + n + " pages need " + (long) n * PAGE_SIZE);
            ByteBuffer chunk = ByteBuffer.allocate(256 * PAGE_SIZE);
            for (int first = 0; first < n; first += 256) {
                int count = Math.min(256, n - first);
                chunk.clear().limit(count * PAGE_SIZE);
                long pos = (long) first * PAGE_SIZE;
                while (chunk.hasRemaining()) {
                    int r = pc.read(chunk, pos + chunk.position());
                    if (r < 0) throw new IOException(dir.resolve(PAGES) + ": ends early");
                }
                byte[] a = chunk.array();
                for (int k = 0; k < count; k++) {
                    if (Arrays.equals(a, k * PAGE_SIZE, (k + 1) * PAGE_SIZE, PartitionTree.ZERO_PAGE, 0, PAGE_SIZE)) continue;
                    pages[first + k] = Arrays.copyOfRange(a, k * PAGE_SIZE, (k + 1) * PAGE_SIZE);
                }
            }
        }
        long[] diskLm = lms.clone();
        byte[] diskDigests = digests.clone();
        return new Loaded(PartitionTree.restore(seq, pages, lms, digests), seq, new Digest(root), diskLm, diskDigests);
    }

    /**
     * Verifies a stopped replica's saved state: every page against its tuple's digest, every lm at
     * or below the header's checkpoint, and the root recomputed from the tuples against the header's.
     */
    public static StateFile.Report check(Path dir) throws IOException {
        Loaded l = load(dir);
        PartitionTree t = l.tree();
        Digest root = t.digest(l.seq());
        boolean rootMatches = l.rootMatches();
        BitSet corrupt = t.check();
        for (int p = 0; p < t.pageCount(); p++) if (l.diskLm()[p] < 0 || l.diskLm()[p] > l.seq()) corrupt.set(p);
        return new StateFile.Report(t.pageCount(), l.seq(), corrupt, root, rootMatches);
    }
}
