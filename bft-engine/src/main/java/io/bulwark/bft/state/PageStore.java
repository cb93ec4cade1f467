package io.bulwark.bft.state;

import static io.bulwark.bft.state.PartitionTree.PAGE_SIZE;

import io.bulwark.bft.crypto.Digest;
import io.bulwark.bft.crypto.Digests;
import io.bulwark.bft.durable.AtomicFile;
import io.bulwark.bft.durable.ChannelOpener;
import io.bulwark.bft.durable.FileHeader;
import io.bulwark.bft.durable.RecordFormat;
import io.bulwark.bft.durable.RecordReader;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Arrays;
import java.util.BitSet;
import java.util.HexFormat;
import java.util.Set;

/**
 * A running replica's saved state, written incrementally at stable checkpoints into a directory:
 * <pre>
 *   pages    page i at offset i × 4096 (a sparse file: pages never written read as zero)
 *   tuples   page i's lm (8) and digest (32) at offset i × 40
 *   header   magic "BLWKPGST" (8) | version (4) | page size (4) | page count (4) | checkpoint (8)
 *            | root digest (32) | SHA-256 of the 60 bytes before it (32)
 * </pre>
 * A save writes only the pages whose tuple at the checkpoint differs from the one last written
 * (so its cost is proportional to the pages modified since, not to the state). It never overwrites
 * the saved checkpoint in place before the new one is safe elsewhere (issue 12: a whole group
 * crashing mid-save must still restart from clean copies):
 * <ol>
 *   <li>the changed pages and tuples are appended to a redo log, {@value #REDO} (a {@link FileHeader}
 *       "BLWKREDO", then {@link RecordFormat} frames: type {@value #REDO_PAGE} = page (4) | lm (8) |
 *       digest (32) | has bytes (1) | 4096 bytes if so; type {@value #REDO_COMMIT} = checkpoint (8) |
 *       page count (4) | root digest (32)), forced;</li>
 *   <li>once the last part of the checkpoint is in it, a commit record, forced, and the directory
 *       forced (the log's entry survives a power loss): from here the save is decided;</li>
 *   <li>the logged pages and tuples are written in place, forced;</li>
 *   <li>the header is replaced atomically (temporary file, fsync, rename, directory fsync);</li>
 *   <li>the redo log is deleted.</li>
 * </ol>
 * {@link #recover} (run at a replica's start and by {@code bulwark replica --check}) finishes a save cut short after
 * step 2 by applying the log again (writing a page twice is harmless), and deletes a log without a
 * commit record, whose pages never touched the saved checkpoint. So a save cut short at any byte
 * leaves either the previous checkpoint or the new one, whole.
 * <p>
 * The work is split so that a replica's event loop is not stalled by the disk: {@link #snapshot}
 * (on the loop, while the checkpoint is retained) copies only the changed pages and their tuples,
 * at most {@code maxPages} of them; {@link Snapshot#write} (on any one thread) does the I/O. A
 * snapshot that hits the cap appends what it holds to the redo log without a commit record, and the
 * next one continues. A root recomputed from the tuples that differs from the header's (see {@link
 * Loaded}) now means damage (a flipped tuple, a redo log damaged after its commit), not a crash.
 * <p>
 * Not thread-safe: one thread takes snapshots, one write runs at a time.
 */
public final class PageStore {
    static final byte[] MAGIC = "BLWKPGST".getBytes(StandardCharsets.US_ASCII);
    static final int VERSION = 1;
    static final int HEADER_FIELDS = 8 + 4 + 4 + 4 + 8 + Digest.LENGTH;
    static final int HEADER = HEADER_FIELDS + Digest.LENGTH;
    static final int TUPLE = 8 + Digest.LENGTH;
    public static final String PAGES = "pages", TUPLES = "tuples", HEADER_FILE = "header", REDO = "redo";
    static final int REDO_PAGE = 1, REDO_COMMIT = 2;
    private static final int REDO_PAGE_FIXED = 4 + 8 + Digest.LENGTH + 1, REDO_COMMIT_BYTES = 8 + 4 + Digest.LENGTH;
    private static final System.Logger LOG = System.getLogger(PageStore.class.getName());
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
    /** Where the next redo frame goes, or -1: the next snapshot starts a fresh redo log; writer thread. */
    private long redoEnd = -1;
    private long redoSeq;

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
            for (String f : new String[] {PAGES, TUPLES, REDO}) Files.deleteIfExists(dir.resolve(f));
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
        redoEnd = -1;   // what a failed write left in the redo log is never committed: start it afresh
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

        /**
         * Appends the pages and tuples to the redo log and forces it; if complete, commits the save
         * and applies it (see the class comment).
         */
        public void write() throws IOException { write(ChannelOpener.DEFAULT); }

        /** {@link #write()}, with the files of the write path opened by {@code opener} (tests inject crashes). */
        public void write(ChannelOpener opener) throws IOException {
            Path dir = store.dir;
            Path redo = dir.resolve(REDO);
            boolean fresh = store.redoEnd < 0;
            // A log left by a write that failed after its commit is finished first, never overwritten half-applied.
            if (fresh) recover(dir);
            try (FileChannel rc = opener.open(redo, fresh
                    ? Set.of(StandardOpenOption.WRITE, StandardOpenOption.CREATE, StandardOpenOption.TRUNCATE_EXISTING)
                    : Set.of(StandardOpenOption.WRITE))) {
                long pos = fresh ? 0 : store.redoEnd;
                long frame = fresh ? 1 : store.redoSeq;
                if (fresh) pos += writeFully(rc, ByteBuffer.wrap(new FileHeader(FileHeader.REDO, 1).encode()), pos);
                for (int k = 0; k < pages.length; k++) {
                    ByteBuffer p = ByteBuffer.allocate(REDO_PAGE_FIXED + (values[k] == null ? 0 : PAGE_SIZE));
                    p.putInt(pages[k]).putLong(lms[k]).put(digests, k * Digest.LENGTH, Digest.LENGTH).put((byte) (values[k] == null ? 0 : 1));
                    if (values[k] != null) p.put(values[k]);
                    pos += writeFully(rc, ByteBuffer.wrap(RecordFormat.encode(frame++, REDO_PAGE, p.array())), pos);
                }
                if (complete()) {
                    ByteBuffer c = ByteBuffer.allocate(REDO_COMMIT_BYTES).putLong(seq).putInt(store.pageCount).put(root.bytes());
                    pos += writeFully(rc, ByteBuffer.wrap(RecordFormat.encode(frame++, REDO_COMMIT, c.array())), pos);
                }
                rc.force(false);
                store.redoEnd = pos;
                store.redoSeq = frame;
            }
            if (!complete()) return;
            AtomicFile.syncDirectory(dir);   // the log's directory entry is durable before any page is overwritten
            store.redoEnd = -1;
            apply(dir, opener);
        }
        /** Bytes of page data this snapshot holds. */
        public long bytes() {
            long n = 0;
            for (byte[] v : values) if (v != null) n += PAGE_SIZE;
            return n;
        }
    }

    /** Writes all of {@code b} at {@code pos}; returns the bytes written. */
    private static int writeFully(FileChannel ch, ByteBuffer b, long pos) throws IOException {
        int n = b.remaining();
        long p = pos;
        while (b.hasRemaining()) p += ch.write(b, p);
        return n;
    }

    private static void writeHeader(Path dir, int pageCount, long seq, Digest root, ChannelOpener opener) throws IOException {
        ByteBuffer h = ByteBuffer.allocate(HEADER);
        h.put(MAGIC).putInt(VERSION).putInt(PAGE_SIZE).putInt(pageCount).putLong(seq).put(root.bytes());
        h.put(Digests.of(h.array(), 0, HEADER_FIELDS).bytes());
        AtomicFile.write(dir.resolve(HEADER_FILE), h.array(), opener);
    }

    // ---- the redo log ----

    /** A committed redo log's last record: the checkpoint it saves. */
    private record Commit(long seq, int pageCount, Digest root) {}

    /**
     * Scans the redo log: the commit record if every frame before it checks out, else null with
     * {@code why[0]} saying what ended it.
     */
    private static Commit scanRedo(Path redo, String[] why) throws IOException {
        try (FileChannel ch = FileChannel.open(redo, StandardOpenOption.READ)) {
            if (FileHeader.read(ch, redo, FileHeader.REDO, why) == null) return null;
            RecordReader r = new RecordReader(ch, FileHeader.LENGTH);
            for (long expect = 1; ; expect++) {
                RecordReader.Step s = r.next(expect);
                if (s instanceof RecordReader.End) {
                    why[0] = (expect - 1) + " page records and no commit record (the save was cut short before its commit)";
                    return null;
                }
                if (s instanceof RecordReader.Bad b) {
                    long after = r.validFrameAfter(b.offset(), expect - 1);
                    why[0] = "record " + expect + " at offset " + b.offset() + ": " + b.reason()
                            + (after >= 0 ? "; valid records follow (damage, not a torn write)" : " (torn)");
                    return null;
                }
                var rec = ((RecordReader.Ok) s).record();
                if (rec.type() == REDO_COMMIT) {
                    if (rec.payload().length != REDO_COMMIT_BYTES) {
                        why[0] = "commit record of " + rec.payload().length + " bytes";
                        return null;
                    }
                    ByteBuffer c = ByteBuffer.wrap(rec.payload());
                    long seq = c.getLong();
                    int n = c.getInt();
                    byte[] root = new byte[Digest.LENGTH];
                    c.get(root);
                    if (seq < 0 || seq > MAX_SEQ || n < 1 || n > PartitionTree.MAX_PAGES) {
                        why[0] = "commit record names checkpoint " + seq + " of " + n + " pages";
                        return null;
                    }
                    return new Commit(seq, n, new Digest(root));
                }
                if (rec.type() != REDO_PAGE || (rec.payload().length != REDO_PAGE_FIXED && rec.payload().length != REDO_PAGE_FIXED + PAGE_SIZE)) {
                    why[0] = "record " + expect + ": type " + rec.type() + " of " + rec.payload().length + " bytes is not a page record";
                    return null;
                }
            }
        }
    }

    /** Writes the committed redo log's pages and tuples in place, then the header; deletes the log. */
    private static void apply(Path dir, ChannelOpener opener) throws IOException {
        Path redo = dir.resolve(REDO);
        String[] why = new String[1];
        Commit commit = scanRedo(redo, why);
        if (commit == null) throw new IOException(redo + ": not a committed redo log: " + why[0]);
        int n = commit.pageCount();
        try (FileChannel ch = FileChannel.open(redo, StandardOpenOption.READ);
             FileChannel pc = opener.open(dir.resolve(PAGES), Set.of(StandardOpenOption.WRITE, StandardOpenOption.CREATE));
             FileChannel tc = opener.open(dir.resolve(TUPLES), Set.of(StandardOpenOption.WRITE, StandardOpenOption.CREATE))) {
            RecordReader r = new RecordReader(ch, FileHeader.LENGTH);
            ByteBuffer tuple = ByteBuffer.allocate(TUPLE);
            while (r.next(-1) instanceof RecordReader.Ok ok && ok.record().type() == REDO_PAGE) {
                ByteBuffer p = ByteBuffer.wrap(ok.record().payload());
                int page = p.getInt();
                if (page < 0 || page >= n) throw new IOException(redo + ": page " + page + " outside 0.." + (n - 1));
                tuple.clear();
                tuple.putLong(p.getLong()).put(p.array(), p.position(), Digest.LENGTH).flip();
                p.position(p.position() + Digest.LENGTH);
                if (p.get() == 1) writeFully(pc, p.slice(), (long) page * PAGE_SIZE);
                writeFully(tc, tuple, (long) page * TUPLE);
            }
            // Both files cover the whole state, so a never-written page reads as zero with a zero tuple.
            if (pc.size() < (long) n * PAGE_SIZE) writeFully(pc, ByteBuffer.allocate(1), (long) n * PAGE_SIZE - 1);
            if (tc.size() < (long) n * TUPLE) writeFully(tc, ByteBuffer.allocate(1), (long) n * TUPLE - 1);
            pc.force(false);
            tc.force(false);
        }
        writeHeader(dir, n, commit.seq(), commit.root(), opener);
        Files.delete(redo);
        AtomicFile.syncDirectory(dir);
    }

    /**
     * Finishes or discards a save cut short in {@code dir}: a redo log with a commit record is applied
     * (the save completes), one without is deleted (the previous checkpoint was never touched).
     * Returns what it did, or null if there was no redo log.
     */
    public static String recover(Path dir) throws IOException {
        Path redo = dir.resolve(REDO);
        if (!Files.exists(redo)) return null;
        String[] why = new String[1];
        Commit commit = scanRedo(redo, why);
        if (commit == null) {
            Files.delete(redo);
            AtomicFile.syncDirectory(dir);
            String msg = "discarded an unfinished save (" + why[0] + "); the saved checkpoint is untouched";
            LOG.log(System.Logger.Level.WARNING, dir + ": " + msg);
            return msg;
        }
        apply(dir, ChannelOpener.DEFAULT);
        String msg = "completed an interrupted save of checkpoint " + commit.seq() + " from its redo log";
        LOG.log(System.Logger.Level.WARNING, dir + ": " + msg);
        return msg;
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

    /**
     * Reads the saved state in {@code dir} as it is (call {@link #recover} first, holding the data
     * dir's lock, to finish a save cut short: reading never changes a directory a running replica may
     * be saving into); a missing or garbled header, or files of the wrong size, are IOExceptions
     * naming the problem.
     */
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
