package io.bulwark.bft.state;

import static io.bulwark.bft.state.PartitionTree.PAGE_SIZE;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.bulwark.bft.crypto.Digest;
import io.bulwark.bft.crypto.Digests;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.BitSet;
import java.util.List;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class StateFileTest {
    @TempDir Path dir;

    /** A tree with three checkpoints; pages {@code 3k} hold data at checkpoint 4 and are changed again after it. */
    private static PartitionTree sample(int n) {
        PartitionTree t = new PartitionTree(n);
        Random rnd = new Random(3);
        for (int p = 0; p < n; p += 3) rnd.nextBytes(t.modify(p));
        t.checkpoint(4);
        for (int p = 0; p < n; p += 6) t.modify(p)[0]++;
        t.modify(1)[1] = 1;
        t.checkpoint(9);
        t.modify(2)[2] = 2;   // dirty: not part of any checkpoint
        return t;
    }

    @Test
    void roundTripOfAnOlderRetainedCheckpoint() throws IOException {
        PartitionTree t = sample(700);
        Path f = dir.resolve("state.bin");
        StateFile.save(t, 4, f);
        PartitionTree u = StateFile.load(f);
        assertEquals(700, u.pageCount());
        assertEquals(4, u.lastCheckpoint());
        assertEquals(List.of(4L), u.retained());
        assertEquals(t.digest(4), u.digest(4));
        for (int level = 0; level <= t.leafLevel(); level++)
            for (int i = 0; i < t.partitionsAt(level); i++) assertEquals(t.partition(4, level, i), u.partition(4, level, i));
        for (int p = 0; p < 700; p++) assertArrayEquals(t.pageAt(4, p), u.read(p), "page " + p);
        assertTrue(StateFile.check(f).clean());

        // The loaded tree goes on like the original did.
        for (int p = 0; p < 700; p += 6) u.modify(p)[0]++;
        u.modify(1)[1] = 1;
        assertEquals(t.digest(9), u.checkpoint(9));

        // Saving again replaces the file atomically and leaves no temporary file behind.
        StateFile.save(t, 9, f);
        assertEquals(t.digest(9), StateFile.load(f).digest(9));
        try (Stream<Path> files = Files.list(dir)) {
            assertEquals(List.of(f), files.toList());
        }
        assertThrows(IllegalArgumentException.class, () -> StateFile.save(t, 5, f));
    }

    @Test
    void sparseThreeLevelStateStoresOnlyNonZeroPages() throws IOException {
        int n = 256 * 256 + 300;
        PartitionTree t = new PartitionTree(n);
        t.modify(65_000)[5] = 5;
        t.modify(3)[0] = 1;
        t.modify(n - 1)[0] = 9;   // under the root's second child
        t.checkpoint(1);
        Path f = dir.resolve("sparse.bin");
        StateFile.save(t, 1, f);
        assertEquals(StateFile.HEADER + (long) n * StateFile.ENTRY + 3L * PAGE_SIZE + StateFile.TRAILER, Files.size(f));
        PartitionTree u = StateFile.load(f);
        assertEquals(3, u.leafLevel());
        assertEquals(t.digest(1), u.digest(1));
        assertEquals(5, u.read(65_000)[5]);
        assertEquals(9, u.read(n - 1)[0]);
        assertTrue(StateFile.check(f).clean());
    }

    @Test
    void checkReportsFlippedBitsInPagesDigestsAndLms() throws IOException {
        int n = 700;
        PartitionTree t = sample(n);
        Path f = dir.resolve("state.bin");
        StateFile.save(t, 9, f);
        byte[] good = Files.readAllBytes(f);

        flip(f, good, dataOffset(t, 9, 300) + 1234, 0x08);      // page 300's bytes
        flip(f, Files.readAllBytes(f), entryOffset(12) + 8 + 5, 0x01);   // page 12's stored digest
        flip(f, Files.readAllBytes(f), entryOffset(13) + 7, 0x02);       // page 13's stored lm
        StateFile.Report r = StateFile.check(f);
        assertEquals(bits(12, 13, 300), r.corrupt());
        assertEquals(n, r.pageCount());
        assertEquals(9, r.seq());
        assertFalse(r.clean());
        assertFalse(r.rootMatches(), "a changed digest or lm changes the recomputed root");

        // Only the data was hit: the tuples still give the saved root, the bytes do not match them.
        flip(f, good, dataOffset(t, 9, 300) + 1234, 0x08);
        r = StateFile.check(f);
        assertEquals(bits(300), r.corrupt());
        assertTrue(r.rootMatches());
        assertEquals(t.digest(9), r.root());

        // The recorded root itself hit.
        flip(f, good, good.length - 1, 0x80);
        r = StateFile.check(f);
        assertTrue(r.corrupt().isEmpty());
        assertFalse(r.rootMatches());
    }

    @Test
    void corruptFilesAreRejectedWithAClearMessage() throws IOException {
        PartitionTree t = sample(300);
        Path f = dir.resolve("state.bin");
        StateFile.save(t, 9, f);
        byte[] good = Files.readAllBytes(f);

        assertRejected(f, new byte[0], "too short");
        assertRejected(f, Arrays.copyOf(good, 40), "too short");
        assertRejected(f, Arrays.copyOf(good, StateFile.HEADER + 100 * StateFile.ENTRY), "truncated");
        assertRejected(f, Arrays.copyOf(good, good.length - 1), "truncated or garbled");
        assertRejected(f, Arrays.copyOf(good, good.length - PAGE_SIZE - 32), "truncated or garbled");
        assertRejected(f, Arrays.copyOf(good, good.length + 1), "truncated or garbled");

        byte[] b = good.clone();
        b[0] = 'X';
        assertRejected(f, b, "not a Bulwark state file");
        b = good.clone();
        b[11] = 2;   // version
        assertRejected(f, b, "version 2");
        for (int i = 12; i < StateFile.HEADER; i++) {   // page size, count, checkpoint, the checksum
            b = good.clone();
            b[i] ^= 0x10;
            assertRejected(f, b, "header checksum mismatch");
        }
        b = good.clone();
        b[(int) entryOffset(6) + 40] ^= 0x01;   // a data page's kind byte
        assertRejected(f, b, "page 6: kind byte 0xa4");

        // A well-formed header announcing an absurd page count fails before anything is allocated.
        b = good.clone();
        ByteBuffer h = ByteBuffer.wrap(b);
        h.putInt(16, PartitionTree.MAX_PAGES + 1);
        System.arraycopy(Digests.of(b, 0, StateFile.HEADER_FIELDS).bytes(), 0, b, StateFile.HEADER_FIELDS, Digest.LENGTH);
        assertRejected(f, b, "outside 1.." + PartitionTree.MAX_PAGES);
        h.putInt(16, 1 << 20);
        System.arraycopy(Digests.of(b, 0, StateFile.HEADER_FIELDS).bytes(), 0, b, StateFile.HEADER_FIELDS, Digest.LENGTH);
        assertRejected(f, b, "need at least");
    }

    private static void assertRejected(Path f, byte[] content, String message) throws IOException {
        Files.write(f, content);
        IOException e = assertThrows(IOException.class, () -> StateFile.load(f));
        assertTrue(e.getMessage().contains(message), "expected '" + message + "' in: " + e.getMessage());
    }

    private static void flip(Path f, byte[] content, long offset, int mask) throws IOException {
        byte[] b = content.clone();
        b[(int) offset] ^= (byte) mask;
        Files.write(f, b);
    }

    private static long entryOffset(int page) { return StateFile.HEADER + (long) page * StateFile.ENTRY; }

    private static long dataOffset(PartitionTree t, long seq, int page) {
        long off = StateFile.HEADER + (long) t.pageCount() * StateFile.ENTRY;
        for (int p = 0; p < page; p++) if (!PartitionTree.isZero(t.pageRef(seq, p))) off += PAGE_SIZE;
        assertFalse(PartitionTree.isZero(t.pageRef(seq, page)));
        return off;
    }

    private static BitSet bits(int... pages) {
        BitSet b = new BitSet();
        for (int p : pages) b.set(p);
        return b;
    }
}
