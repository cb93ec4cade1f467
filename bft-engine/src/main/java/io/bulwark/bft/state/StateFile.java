package io.bulwark.bft.state;

import static io.bulwark.bft.state.PartitionTree.PAGE_SIZE;

import io.bulwark.bft.crypto.Digest;
import io.bulwark.bft.crypto.Digests;
import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.Channels;
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
 * A stopped replica's saved state: one retained checkpoint of a {@link PartitionTree}, written
 * whole (no incremental save) to a temporary file in the same directory, forced to disk and
 * renamed over the target atomically, so a crash leaves either the old file or the new one.
 * <p>
 * Layout (big-endian):
 * <pre>
 *   header   magic "BLWKSTAT" (8) | version (4) | page size (4) | page count (4) | checkpoint (8)
 *            | SHA-256 of the 28 bytes before it (32)
 *   table    per page: lm (8) | digest (32) | kind (1): 0x5A all-zero page, 0xA5 data follows
 *   data     4096 bytes per page of kind 0xA5, in page order
 *   trailer  root digest of the checkpoint when saved (32)
 * </pre>
 * Reading fails closed: wrong magic, version or page size, a header whose checksum does not
 * match, a page count outside 1..{@link PartitionTree#MAX_PAGES}, a kind byte that is neither
 * value (the two differ in every bit, so one flipped bit never turns one into the other) and a
 * length other than the table implies are all {@link IOException}s naming the problem. Interior
 * digests are never stored: loading recomputes them from the page tuples. A flipped bit in a
 * page's bytes, lm or digest is not a parse error but a page whose bytes no longer match its
 * digest, which {@link #check} reports (and the tree's {@link PartitionTree#check} marks for a
 * state transfer).
 */
public final class StateFile {
    static final byte[] MAGIC = "BLWKSTAT".getBytes(StandardCharsets.US_ASCII);
    static final int VERSION = 1;
    static final int HEADER_FIELDS = 8 + 4 + 4 + 4 + 8;
    static final int HEADER = HEADER_FIELDS + Digest.LENGTH;
    static final int ENTRY = 8 + Digest.LENGTH + 1;
    static final int TRAILER = Digest.LENGTH;
    static final byte ZERO_KIND = 0x5A;
    static final byte DATA_KIND = (byte) 0xA5;
    private static final int BUFFER = 1 << 20;

    private StateFile() {}

    /** A state file read back: the tree (retaining {@code seq}) and the root digest recorded when it was saved. */
    public record Loaded(PartitionTree tree, long seq, Digest storedRoot) {
        /** True when the root recomputed from the page tuples is the one recorded at save time. */
        public boolean rootMatches() { return tree.digest(seq).equals(storedRoot); }
    }

    /**
     * The outcome of {@link #check}: pages whose bytes do not match their stored digest (or whose
     * lm is not a checkpoint at or below the file's), the root recomputed from the stored tuples and
     * whether it equals the one recorded at save time.
     */
    public record Report(int pageCount, long seq, BitSet corrupt, Digest root, boolean rootMatches) {
        public boolean clean() { return corrupt.isEmpty() && rootMatches; }
    }

    /** Writes retained checkpoint {@code seq} of {@code tree} to {@code file}, atomically replacing it. */
    public static void save(PartitionTree tree, long seq, Path file) throws IOException {
        if (!tree.holds(seq)) throw new IllegalArgumentException("checkpoint " + seq + " is not retained (retained: " + tree.retained() + ")");
        Path target = file.toAbsolutePath();
        Path dir = target.getParent();
        Path tmp = Files.createTempFile(dir, target.getFileName() + ".", ".tmp");
        boolean done = false;
        try {
            try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.WRITE, StandardOpenOption.TRUNCATE_EXISTING)) {
                DataOutputStream out = new DataOutputStream(new BufferedOutputStream(Channels.newOutputStream(ch), BUFFER));
                write(tree, seq, out);
                out.flush();   // not closed: closing the stream would close the channel before force()
                ch.force(true);
            }
            try {
                Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            } catch (AtomicMoveNotSupportedException e) {
                throw new IOException("cannot replace " + target + " atomically: " + e.getMessage(), e);
            }
            done = true;
            syncDirectory(dir);
        } finally {
            if (!done) Files.deleteIfExists(tmp);
        }
    }

    private static void write(PartitionTree tree, long seq, DataOutputStream out) throws IOException {
        int n = tree.pageCount();
        int leaf = tree.leafLevel();
        ByteBuffer header = ByteBuffer.allocate(HEADER_FIELDS).put(MAGIC).putInt(VERSION).putInt(PAGE_SIZE).putInt(n).putLong(seq);
        out.write(header.array());
        out.write(Digests.of(header.array()).bytes());
        for (int p = 0; p < n; p++) {
            Partition t = tree.partition(seq, leaf, p);
            out.writeLong(t.lm());
            out.write(t.digest().bytes());
            out.writeByte(PartitionTree.isZero(tree.pageRef(seq, p)) ? ZERO_KIND : DATA_KIND);
        }
        for (int p = 0; p < n; p++) {
            byte[] page = tree.pageRef(seq, p);
            if (!PartitionTree.isZero(page)) out.write(page);
        }
        out.write(tree.digest(seq).bytes());
    }

    /** The tree saved in {@code file}, retaining its checkpoint as the last one. */
    public static PartitionTree load(Path file) throws IOException { return read(file).tree(); }

    /** {@link #load}, with the checkpoint number and the root digest recorded at save time. */
    public static Loaded read(Path file) throws IOException {
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
            long size = ch.size();
            if (size < HEADER + ENTRY + TRAILER)
                throw new IOException(file + ": " + size + " bytes, too short for a state file (truncated?)");
            DataInputStream in = new DataInputStream(new BufferedInputStream(Channels.newInputStream(ch), BUFFER));
            byte[] header = new byte[HEADER_FIELDS];
            byte[] sum = new byte[Digest.LENGTH];
            in.readFully(header);
            in.readFully(sum);
            if (!Arrays.equals(header, 0, MAGIC.length, MAGIC, 0, MAGIC.length))
                throw new IOException(file + ": not a Bulwark state file (magic " + HexFormat.of().formatHex(header, 0, MAGIC.length) + ")");
            ByteBuffer h = ByteBuffer.wrap(header, MAGIC.length, HEADER_FIELDS - MAGIC.length);
            int version = h.getInt(), pageSize = h.getInt(), n = h.getInt();
            long seq = h.getLong();
            if (version != VERSION) throw new IOException(file + ": state file version " + version + ", this build reads version " + VERSION);
            if (!Arrays.equals(Digests.of(header).bytes(), sum)) throw new IOException(file + ": header checksum mismatch (garbled header)");
            if (pageSize != PAGE_SIZE) throw new IOException(file + ": page size " + pageSize + ", expected " + PAGE_SIZE);
            if (n < 1 || n > PartitionTree.MAX_PAGES)
                throw new IOException(file + ": page count " + n + " outside 1.." + PartitionTree.MAX_PAGES);
            if (seq < 0) throw new IOException(file + ": checkpoint " + seq + " is negative");
            long tableEnd = HEADER + (long) n * ENTRY;
            if (tableEnd + TRAILER > size)
                throw new IOException(file + ": " + size + " bytes, but " + n + " pages need at least " + (tableEnd + TRAILER) + " (truncated?)");

            long[] lms = new long[n];
            byte[] digests = new byte[n * Digest.LENGTH];
            BitSet data = new BitSet(n);
            for (int p = 0; p < n; p++) {
                lms[p] = in.readLong();
                in.readFully(digests, p * Digest.LENGTH, Digest.LENGTH);
                byte kind = in.readByte();
                if (kind == DATA_KIND) data.set(p);
                else if (kind != ZERO_KIND) throw new IOException(file + ": page " + p + ": kind byte 0x" + HexFormat.of().toHexDigits(kind) + " is neither zero-page nor data (garbled page table)");
            }
            long expected = tableEnd + (long) data.cardinality() * PAGE_SIZE + TRAILER;
            if (expected != size)
                throw new IOException(file + ": " + size + " bytes, but its page table describes " + expected + " (truncated or garbled)");
            byte[][] pages = new byte[n][];
            for (int p = data.nextSetBit(0); p >= 0; p = data.nextSetBit(p + 1)) {
                pages[p] = new byte[PAGE_SIZE];
                in.readFully(pages[p]);
            }
            byte[] root = new byte[Digest.LENGTH];
            in.readFully(root);
            return new Loaded(PartitionTree.restore(seq, pages, lms, digests), seq, new Digest(root));
        } catch (EOFException e) {
            throw new IOException(file + ": ends early (truncated)", e);
        }
    }

    /** Loads {@code file} and verifies every page against its stored digest. */
    public static Report check(Path file) throws IOException {
        Loaded l = read(file);
        PartitionTree t = l.tree();
        Digest root = t.digest(l.seq());
        boolean rootMatches = l.rootMatches();
        BitSet corrupt = t.check();   // marks the working tree only; the retained checkpoint keeps the stored tuples
        int leaf = t.leafLevel();
        for (int p = 0; p < t.pageCount(); p++) {
            long lm = t.partition(l.seq(), leaf, p).lm();
            if (lm < 0 || lm > l.seq()) corrupt.set(p);
        }
        return new Report(t.pageCount(), l.seq(), corrupt, root, rootMatches);
    }

    /** Forces a directory's entries (a rename) to disk where the platform can; best effort. */
    static void syncDirectory(Path dir) {
        try {
            io.bulwark.bft.crypto.FilePermissions.fsyncDirectory(dir);
        } catch (IOException | UnsupportedOperationException e) {
            // Not every platform can open or sync a directory; the rename itself is atomic.
        }
    }
}
