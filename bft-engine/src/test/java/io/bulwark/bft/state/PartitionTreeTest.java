package io.bulwark.bft.state;

import static io.bulwark.bft.state.PartitionTree.FANOUT;
import static io.bulwark.bft.state.PartitionTree.PAGE_SIZE;
import static io.bulwark.bft.state.PartitionTree.UNKNOWN_LM;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.bulwark.bft.crypto.Digest;
import java.nio.ByteBuffer;
import java.security.MessageDigest;
import java.util.BitSet;
import java.util.List;
import java.util.Random;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

class PartitionTreeTest {

    // ---- shape and digest formulas ----

    @Test
    void levelsFollowThePageCount() {
        assertShape(new PartitionTree(1), 1, 1, 1);
        assertShape(new PartitionTree(256), 1, 1, 256);
        assertShape(new PartitionTree(257), 2, 1, 2, 257);
        assertShape(new PartitionTree(65536), 2, 1, 256, 65536);
        assertShape(new PartitionTree(65536 + 300), 3, 1, 2, 258, 65836);
    }

    private static void assertShape(PartitionTree t, int leafLevel, int... counts) {
        assertEquals(leafLevel, t.leafLevel());
        for (int level = 0; level <= leafLevel; level++) assertEquals(counts[level], t.partitionsAt(level), "level " + level);
    }

    @Test
    void digestFormulasArePinned() throws Exception {
        byte[] value = new byte[PAGE_SIZE];
        value[17] = 5;
        MessageDigest sha = MessageDigest.getInstance("SHA-256");
        sha.update((byte) 'P');
        sha.update(ByteBuffer.allocate(12).putInt(9).putLong(42).array());
        sha.update(value);
        Digest page = new Digest(sha.digest());
        assertEquals(page, PartitionTree.pageDigest(9, 42, value));

        Digest other = PartitionTree.pageDigest(10, 7, new byte[PAGE_SIZE]);
        sha.update(page.bytes());
        sha.update(other.bytes());
        byte[] inner = sha.digest();
        sha.update((byte) 'I');
        sha.update(ByteBuffer.allocate(16).putInt(1).putInt(3).putLong(42).array());
        sha.update(inner);
        assertEquals(new Digest(sha.digest()),
                PartitionTree.interiorDigest(1, 3, 42, List.of(new Partition(42, page), new Partition(7, other))));
    }

    @Test
    void zeroTreeMatchesTheReferenceAndUnallocatedPagesDigestAsZeros() {
        for (int n : new int[] {1, 3, 256, 257, 1000}) {
            PartitionTree t = new PartitionTree(n);
            assertTuples(new Naive(n).tuples(), t, 0);
            assertEquals(0, t.lastCheckpoint());
            assertTrue(t.holds(0));
        }
    }

    @Test
    void equalStatesBuiltDifferentlyHaveEqualDigests() {
        byte[] x = filled(1), y = filled(2);
        PartitionTree a = new PartitionTree(700);
        System.arraycopy(x, 0, a.modify(3), 0, PAGE_SIZE);
        System.arraycopy(y, 0, a.modify(600), 0, PAGE_SIZE);
        a.checkpoint(4);
        a.checkpoint(5);

        PartitionTree b = new PartitionTree(700);
        b.modify(600)[0] = 99;                  // an intermediate value, overwritten before the checkpoint
        System.arraycopy(x, 0, b.modify(3), 0, PAGE_SIZE);
        System.arraycopy(y, 0, b.modify(600), 0, PAGE_SIZE);
        b.read(5);                              // reading allocates; the digest must not change
        b.checkpoint(1);
        b.checkpoint(5);
        assertNotEquals(a.digest(5), b.digest(5), "lm is part of the state: modified at 4 vs at 1");

        PartitionTree c = new PartitionTree(700);
        System.arraycopy(y, 0, c.modify(600), 0, PAGE_SIZE);
        System.arraycopy(x, 0, c.modify(3), 0, PAGE_SIZE);
        c.modify(100);                          // modified, but left all zero: still lm 4
        c.checkpoint(4);
        PartitionTree d = new PartitionTree(700);
        System.arraycopy(x, 0, d.modify(3), 0, PAGE_SIZE);
        System.arraycopy(y, 0, d.modify(600), 0, PAGE_SIZE);
        d.modify(100);
        d.checkpoint(4);
        assertEquals(c.digest(4), d.digest(4));

        Naive m = new Naive(700);
        System.arraycopy(x, 0, m.write(3), 0, PAGE_SIZE);
        System.arraycopy(y, 0, m.write(600), 0, PAGE_SIZE);
        m.lm[3] = m.lm[600] = m.lm[100] = 4;
        assertTuples(m.tuples(), c, 4);
        m.lm[100] = 0;
        assertTuples(m.tuples(), a, 5);
    }

    @Test
    void manyDirtyPagesAreHashedInParallelToTheSameDigests() {
        int n = 30_000;   // 118 leaf parents: the interior level is re-hashed in parallel too
        PartitionTree t = new PartitionTree(n);
        Naive m = new Naive(n);
        Random rnd = new Random(11);
        for (int i = 0; i < 3000; i++) {
            int p = rnd.nextInt(n);
            byte b = (byte) rnd.nextInt();
            int off = rnd.nextInt(PAGE_SIZE);
            t.modify(p)[off] = b;
            m.write(p)[off] = b;
            m.lm[p] = 9;
        }
        t.checkpoint(9);
        assertTuples(m.tuples(), t, 9);
    }

    @Test
    void checkpointChangesOnlyTheModifiedPaths() {
        PartitionTree t = new PartitionTree(5 * FANOUT);
        t.modify(300)[0] = 1;
        t.checkpoint(3);
        for (int level = 0; level <= t.leafLevel(); level++)
            for (int i = 0; i < t.partitionsAt(level); i++) {
                boolean onPath = level == 0 || (level == 1 && i == 1) || (level == 2 && i == 300);
                assertEquals(onPath, !t.partition(0, level, i).equals(t.partition(3, level, i)), level + "/" + i);
                if (onPath) assertEquals(3, t.partition(3, level, i).lm());
                else assertEquals(0, t.partition(3, level, i).lm());
            }
        assertEquals(3, t.copiedTuples(0), "one tuple per level on the path was saved for checkpoint 0");
    }

    @Test
    void threeLevelSparseTree() {
        int n = FANOUT * FANOUT + 300;   // 3 levels below the root's children
        PartitionTree t = new PartitionTree(n);
        assertEquals(3, t.leafLevel());
        int[] touched = {0, 40_000, n - 1};
        for (int p : touched) t.modify(p)[p % PAGE_SIZE] = (byte) (p + 1);
        Digest d0 = t.digest(0);
        t.checkpoint(2);
        Naive m = new Naive(n);
        for (int p : touched) {
            m.write(p)[p % PAGE_SIZE] = (byte) (p + 1);
            m.lm[p] = 2;
        }
        List<Partition[]> want = m.tuples();
        assertTuples(want, t, 2);
        assertEquals(d0, t.digest(0));
        // Only the paths of the three pages changed.
        int changed = 0;
        for (int level = 0; level <= 3; level++)
            for (int i = 0; i < t.partitionsAt(level); i++)
                if (!t.partition(0, level, i).equals(t.partition(2, level, i))) changed++;
        assertEquals(1 + 2 + 3 + 3, changed, "root, both level-1 nodes, three level-2 nodes, three pages");
        assertEquals(changed, t.copiedTuples(0));

        // A second sparse tree reaches checkpoint 2 by transfer.
        PartitionTree u = new PartitionTree(n);
        u.modify(12_345)[1] = 1;
        u.checkpoint(1);
        u.beginTransfer();
        assertEquals(4, fetchByDescent(t, 2, u), "three pages differ, and 12_345 must be reset to zero");
        assertTrue(u.completeTransfer(2, t.digest(2)));
        assertEquals(t.digest(2), u.digest(2));
    }

    // ---- copy-on-write against full copies ----

    @Test
    void retainedCheckpointsMatchFullCopiesUnderARandomWorkload() {
        for (long seed = 1; seed <= 3; seed++) randomWorkload(seed, seed == 2 ? 600 : 257);
    }

    private void randomWorkload(long seed, int n) {
        Random rnd = new Random(seed);
        PartitionTree t = new PartitionTree(n);
        Naive cur = new Naive(n);
        TreeMap<Long, Naive> snapshots = new TreeMap<>();
        TreeMap<Long, List<Partition[]>> tuples = new TreeMap<>();
        snapshots.put(0L, cur.copy());
        tuples.put(0L, cur.tuples());
        long seq = 0;
        for (int step = 0; step < 1000; step++) {
            int op = rnd.nextInt(100);
            if (op < 80) {
                int p = rnd.nextInt(10) < 7 ? rnd.nextInt(Math.min(n, 40)) : rnd.nextInt(n);   // hot pages and cold ones
                byte[] page = t.modify(p);
                byte[] model = cur.write(p);
                assertSame(model, page, "page " + p + " before writing");
                switch (rnd.nextInt(3)) {
                    case 0 -> { int off = rnd.nextInt(PAGE_SIZE); page[off] = model[off] = (byte) rnd.nextInt(); }
                    case 1 -> { rnd.nextBytes(model); System.arraycopy(model, 0, page, 0, PAGE_SIZE); }
                    default -> { java.util.Arrays.fill(model, (byte) 0); java.util.Arrays.fill(page, (byte) 0); }
                }
                cur.lm[p] = -2;   // "modified since the last checkpoint", resolved at the next one
            } else if (op < 92) {
                seq += 1 + rnd.nextInt(3);
                for (int p = 0; p < n; p++) if (cur.lm[p] == -2) cur.lm[p] = seq;
                Digest root = t.checkpoint(seq);
                Naive snap = cur.copy();
                snapshots.put(seq, snap);
                if (rnd.nextInt(4) == 0) assertEquals(tuples.computeIfAbsent(seq, c -> snap.tuples()).get(0)[0].digest(), root);
            } else if (op < 98) {
                List<Long> held = t.retained();
                long stable = held.get(rnd.nextInt(held.size()));
                t.discardBefore(stable);
                snapshots.headMap(stable).clear();
                tuples.headMap(stable).clear();
            } else {
                assertTrue(t.check().isEmpty(), "no corruption, nothing found");
            }
            assertEquals(List.copyOf(snapshots.keySet()), t.retained());
            boolean full = step % 150 == 0 || step == 999;
            if (full || step % 10 == 0) {
                // Every tuple of every retained checkpoint; every page on a full pass, else a sample.
                for (long c : snapshots.keySet()) {
                    Naive s = snapshots.get(c);
                    assertTuples(tuples.computeIfAbsent(c, k -> s.tuples()), t, c);
                    for (int i = 0; i < (full ? n : 20); i++) {
                        int p = full ? i : rnd.nextInt(n);
                        assertSame(s.page(p), t.pageAt(c, p), "seed " + seed + " checkpoint " + c + " page " + p);
                    }
                }
                for (int p = 0; p < n; p++) assertSame(cur.page(p), t.read(p), "current page " + p);
            }
        }
        assertTrue(seq > 200, "the workload took many checkpoints: " + seq);
    }

    @Test
    void discardingEveryCheckpointThenGoingOn() {
        PartitionTree t = new PartitionTree(1);   // the smallest tree: a root over one page
        t.modify(0)[0] = 1;
        t.checkpoint(2);
        t.discardBefore(10);                      // a stable checkpoint beyond ours
        assertTrue(t.retained().isEmpty());
        t.modify(0)[0] = 2;                       // nothing retained: nothing to copy
        Digest d3 = t.checkpoint(3);
        Naive m = new Naive(1);
        m.write(0)[0] = 2;
        m.lm[0] = 3;
        assertTuples(m.tuples(), t, 3);
        assertEquals(m.tuples().get(0)[0].digest(), d3);
        assertEquals(0, t.copiedPages(3));
    }

    // ---- memory ----

    @Test
    void recordsHoldOnlyWhatWasModified() {
        for (int n : new int[] {1024, 16_384}) {
            PartitionTree t = new PartitionTree(n);
            for (int p = 0; p < 10; p++) t.modify(p)[0] = 1;   // zero pages: copies cost no page bytes
            assertEquals(10, t.copiedPages(0));
            assertEquals(0, t.copyBytes());
            t.checkpoint(1);
            t.discardBefore(1);
            assertEquals(0, t.copyBytes());
            for (int p = 0; p < 20; p++) t.modify(p)[1] = 2;
            assertEquals(20, t.copiedPages(1));
            assertEquals(10L * PAGE_SIZE, t.copyBytes(), "only the 10 non-zero pages are copied bytes");
            t.checkpoint(2);
            // Pages 0..19 share one leaf parent: 20 page tuples, 1 interior, 1 root.
            assertEquals(22, t.copiedTuples(1));
            assertEquals(0, t.copiedPages(2));
            assertEquals(10L * PAGE_SIZE + 22L * (4 + 8 + 32), t.copyBytes(), "independent of the " + n + " pages of state");
            t.discardBefore(2);
            assertEquals(0, t.copyBytes());
        }
    }

    // ---- transfer ----

    @Test
    void transferInstallsExactlyTheDifferingPages() {
        Random rnd = new Random(5);
        int n = 3 * FANOUT + 17;
        PartitionTree src = new PartitionTree(n), dst = new PartitionTree(n);
        long seq = 0;
        for (int round = 0; round < 6; round++) {
            seq += 2;
            for (int i = 0; i < 30; i++) {
                int p = rnd.nextInt(n);
                byte v = (byte) rnd.nextInt();
                src.modify(p)[i] = v;
                if (round < 3) dst.modify(p)[i] = v;   // dst shares the first rounds
            }
            src.checkpoint(seq);
            if (round < 3) dst.checkpoint(seq);
        }
        dst.modify(7)[0] = 77;   // not checkpointed: lm becomes unknown
        long target = seq;
        int differing = 0;
        dst.beginTransfer();
        assertTrue(dst.retained().isEmpty());
        assertEquals(UNKNOWN_LM, dst.local(dst.leafLevel(), 7).lm());
        assertEquals(PartitionTree.pageDigest(7, UNKNOWN_LM, dst.read(7)), dst.local(dst.leafLevel(), 7).digest());
        for (int p = 0; p < n; p++) if (!dst.local(dst.leafLevel(), p).equals(src.partition(target, src.leafLevel(), p))) differing++;
        assertTrue(differing > 20);

        assertEquals(differing, fetchByDescent(src, target, dst));
        assertTrue(dst.completeTransfer(target, src.digest(target)));
        assertFalse(dst.transferring());
        assertEquals(target, dst.lastCheckpoint());
        assertEquals(List.of(target), dst.retained());
        for (int p = 0; p < n; p++) assertArrayEquals(src.pageAt(target, p), dst.pageAt(target, p));
        // Execution goes on from the transferred checkpoint.
        dst.modify(1)[0] = 1;
        src.modify(1)[0] = 1;
        assertEquals(src.checkpoint(target + 2), dst.checkpoint(target + 2));
    }

    @Test
    void aWrongPageMakesCompleteTransferFail() {
        PartitionTree src = new PartitionTree(600), dst = new PartitionTree(600);
        src.modify(5)[0] = 1;
        src.modify(500)[100] = 2;
        src.checkpoint(8);
        dst.beginTransfer();
        dst.installPage(5, 8, src.pageAt(8, 5));
        byte[] wrong = src.pageAt(8, 500);
        wrong[100] ^= 4;
        dst.installPage(500, 8, wrong);
        assertFalse(dst.completeTransfer(8, src.digest(8)));
        assertTrue(dst.transferring());
        assertTrue(dst.retained().isEmpty(), "nothing retained changes");
        assertThrows(IllegalArgumentException.class, () -> dst.digest(8));
        dst.installPage(500, 7, src.pageAt(8, 500));   // right bytes, wrong lm
        assertFalse(dst.completeTransfer(8, src.digest(8)));
        dst.installPage(500, 8, src.pageAt(8, 500));
        assertTrue(dst.completeTransfer(8, src.digest(8)));
        assertEquals(src.digest(8), dst.digest(8));
    }

    @Test
    void adoptIfMatchesTakesTheLmOfAnEqualPage() {
        PartitionTree src = new PartitionTree(300), dst = new PartitionTree(300);
        src.modify(3)[0] = 9;
        src.checkpoint(4);
        dst.modify(3)[0] = 9;     // same bytes, but never checkpointed by dst
        dst.modify(4)[0] = 1;     // different bytes
        dst.beginTransfer();
        int leaf = src.leafLevel();
        Partition want3 = src.partition(4, leaf, 3), want4 = src.partition(4, leaf, 4);
        assertTrue(dst.adoptIfMatches(3, want3.lm(), want3.digest()));
        assertEquals(want3, dst.local(leaf, 3));
        assertFalse(dst.adoptIfMatches(4, want4.lm(), want4.digest()));
        assertFalse(dst.completeTransfer(4, src.digest(4)));
        dst.installPage(4, want4.lm(), src.pageAt(4, 4));
        assertTrue(dst.completeTransfer(4, src.digest(4)));
    }

    /** The shape of the protocol's descent: compare children, recurse where they differ, install differing pages. */
    private static int fetchByDescent(PartitionTree src, long seq, PartitionTree dst) {
        return descend(src, seq, dst, 0, 0);
    }

    private static int descend(PartitionTree src, long seq, PartitionTree dst, int level, int index) {
        if (src.partition(seq, level, index).equals(dst.local(level, index))) return 0;
        if (level == src.leafLevel()) {
            Partition want = src.partition(seq, level, index);
            byte[] value = src.pageAt(seq, index);
            assertEquals(want.digest(), PartitionTree.pageDigest(index, want.lm(), value), "the caller verifies the page");
            dst.installPage(index, want.lm(), value);
            assertEquals(want, dst.local(level, index));
            return 1;
        }
        List<Partition> theirs = src.children(seq, level, index), ours = dst.localChildren(level, index);
        assertEquals(theirs.size(), ours.size());
        assertEquals(src.partition(seq, level, index).digest(),
                PartitionTree.interiorDigest(level, index, src.partition(seq, level, index).lm(), theirs), "meta-data verifies");
        int installed = 0;
        for (int i = 0; i < theirs.size(); i++)
            if (!theirs.get(i).equals(ours.get(i))) installed += descend(src, seq, dst, level + 1, index * FANOUT + i);
        return installed;
    }

    // ---- check ----

    @Test
    void checkFindsFlippedBitsAndTheTransferRepairsThem() {
        PartitionTree t = new PartitionTree(1000);
        for (int p = 0; p < 1000; p += 3) t.modify(p)[p % PAGE_SIZE] = (byte) p;
        t.checkpoint(6);
        Digest root = t.digest(6);
        assertTrue(t.check().isEmpty());

        t.read(300)[4000] ^= 0x10;        // bit flips in memory, behind the tree's back
        t.read(301)[0] ^= 0x01;           // a page never written (all zeros)
        t.modify(999)[0] = 5;             // modified since the checkpoint: not checked
        BitSet bad = t.check();
        BitSet want = new BitSet();
        want.set(300);
        want.set(301);
        assertEquals(want, bad);
        assertEquals(0, t.interiorMismatches());
        assertEquals(root, t.digest(6), "the retained checkpoint keeps its tuples");
        int leaf = t.leafLevel();
        assertEquals(t.partition(6, leaf, 300).lm(), t.local(leaf, 300).lm());
        assertNotEquals(t.partition(6, leaf, 300).digest(), t.local(leaf, 300).digest(), "marked");
        assertNotEquals(root, t.local(0, 0).digest());
        assertEquals(want, t.check(), "still corrupt, still reported");

        // Repair from a correct copy of checkpoint 6.
        PartitionTree good = new PartitionTree(1000);
        for (int p = 0; p < 1000; p += 3) good.modify(p)[p % PAGE_SIZE] = (byte) p;
        good.checkpoint(6);
        t.beginTransfer();
        assertEquals(3, fetchByDescent(good, 6, t), "300, 301 and the page modified since the checkpoint");
        assertTrue(t.completeTransfer(6, root));
        assertTrue(t.check().isEmpty());
    }

    // ---- bad arguments ----

    @Test
    void badArgumentsFailClearly() {
        assertThrows(IllegalArgumentException.class, () -> new PartitionTree(0));
        assertThrows(IllegalArgumentException.class, () -> new PartitionTree(PartitionTree.MAX_PAGES + 1));
        PartitionTree t = new PartitionTree(300);
        assertThrows(IllegalArgumentException.class, () -> t.read(300));
        assertThrows(IllegalArgumentException.class, () -> t.modify(-1));
        assertThrows(IllegalArgumentException.class, () -> t.partitionsAt(3));
        assertThrows(IllegalArgumentException.class, () -> t.partition(0, 1, 2));
        assertThrows(IllegalArgumentException.class, () -> t.partition(0, 2, 300));
        assertThrows(IllegalArgumentException.class, () -> t.children(0, 2, 0));
        var e = assertThrows(IllegalArgumentException.class, () -> t.checkpoint(0));
        assertTrue(e.getMessage().contains("not above the last checkpoint 0"), e.getMessage());
        t.checkpoint(5);
        assertThrows(IllegalArgumentException.class, () -> t.checkpoint(4));
        e = assertThrows(IllegalArgumentException.class, () -> t.digest(3));
        assertTrue(e.getMessage().contains("not retained"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> PartitionTree.pageDigest(0, 0, new byte[10]));
        assertThrows(IllegalStateException.class, () -> t.installPage(0, 1, new byte[PAGE_SIZE]));
        assertThrows(IllegalStateException.class, () -> t.completeTransfer(5, t.digest(5)));
        t.beginTransfer();
        assertThrows(IllegalStateException.class, () -> t.modify(0));
        assertThrows(IllegalStateException.class, () -> t.checkpoint(9));
        assertThrows(IllegalArgumentException.class, () -> t.installPage(0, UNKNOWN_LM, new byte[PAGE_SIZE]));
        assertThrows(IllegalArgumentException.class, () -> t.installPage(0, 1, new byte[PAGE_SIZE - 1]));
        assertThrows(IllegalArgumentException.class, () -> t.digest(5));
        assertEquals(5, t.lastCheckpoint(), "lc for the fetch");
    }

    // ---- helpers ----

    private static byte[] filled(int seed) {
        byte[] b = new byte[PAGE_SIZE];
        new Random(seed).nextBytes(b);
        return b;
    }

    /** assertArrayEquals compares byte by byte: too slow for thousands of pages. */
    static void assertSame(byte[] want, byte[] got, String what) {
        if (!java.util.Arrays.equals(want, got)) assertArrayEquals(want, got, what);
    }

    /** Every tuple of retained checkpoint {@code seq} equals the reference's. */
    static void assertTuples(List<Partition[]> want, PartitionTree t, long seq) {
        assertEquals(want.size() - 1, t.leafLevel());
        for (int level = 0; level < want.size(); level++) {
            Partition[] w = want.get(level);
            assertEquals(w.length, t.partitionsAt(level));
            for (int i = 0; i < w.length; i++) {
                Partition got = t.partition(seq, level, i);
                if (!w[i].equals(got)) assertEquals(w[i], got, "checkpoint " + seq + " partition " + level + "/" + i);
            }
            if (level > 0) {
                for (int i = 0; i < want.get(level - 1).length; i++) {
                    List<Partition> kids = t.children(seq, level - 1, i);
                    if (!List.of(w).subList(i * FANOUT, Math.min(w.length, (i + 1) * FANOUT)).equals(kids))
                        throw new AssertionError("checkpoint " + seq + ": children of " + (level - 1) + "/" + i + " differ");
                }
            }
        }
    }
}
