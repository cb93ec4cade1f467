package io.bulwark.store.storage;

import io.bulwark.store.index.BPlusTree;
import io.bulwark.store.page.MemoryPages;
import io.bulwark.store.page.PageOverlay;
import io.bulwark.store.page.Pages;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.*;

class StorageTest {

    @Test
    void openRejectsUnformattedGarbageAndForeignStates() {
        MemoryPages blank = new MemoryPages(16);
        assertFalse(Storage.isFormatted(blank));
        assertMessage("not formatted", () -> Storage.open(blank));

        Random r = new Random(1);
        MemoryPages garbage = new MemoryPages(16);
        for (int p = 0; p < 16; p++) r.nextBytes(garbage.write(p));
        assertMessage("not formatted", () -> Storage.open(garbage));

        MemoryPages formatted = new MemoryPages(16);
        Storage.format(formatted);
        assertTrue(Storage.isFormatted(formatted));
        assertMessage("already formatted", () -> Storage.format(formatted));

        MemoryPages otherVersion = new MemoryPages(formatted.snapshot());
        Bytes.i32(otherVersion.write(0), Superblock.VERSION_AT, 2);
        assertMessage("format version 2", () -> Storage.open(otherVersion));

        MemoryPages resized = new MemoryPages(17);
        System.arraycopy(formatted.read(0), 0, resized.write(0), 0, Pages.PAGE_SIZE);
        assertMessage("formatted with 16 pages but has 17", () -> Storage.open(resized));

        MemoryPages badHighWater = new MemoryPages(formatted.snapshot());
        Bytes.i32(badHighWater.write(0), Superblock.HIGH_WATER_AT, 99);
        assertMessage("corrupt superblock", () -> Storage.open(badHighWater));

        MemoryPages badRoot = new MemoryPages(formatted.snapshot());
        badRoot.write(Superblock.CATALOG_ROOT)[0] = PageKind.HEAP;
        assertMessage("expected B+tree leaf", () -> Storage.open(badRoot));

        assertMessage("too small", () -> Storage.format(new MemoryPages(3)));
        assertMessage("not formatted", () -> Storage.open(new MemoryPages(0)));
    }

    @Test
    void reopeningSeesTreesSequencesMetaAndRecords() {
        MemoryPages pages = new MemoryPages(300);
        Storage s = Storage.format(pages);
        s.tree("a").put(bytes("x"), bytes("1"));
        s.tree("b").put(bytes("y"), bytes("2"));
        assertEquals(1, s.nextSequence("ids"));
        assertEquals(2, s.nextSequence("ids"));
        assertEquals(1, s.nextSequence("other"));
        byte[] schema = new byte[300_000];
        new Random(2).nextBytes(schema);
        s.putMeta("schema", schema);
        s.putMeta("small", bytes("v"));
        long rid = s.heap().insert(bytes("record"));

        Storage o = Storage.open(pages);
        assertTrue(o.hasTree("a") && o.hasTree("b"));
        assertFalse(o.hasTree("c"));
        assertArrayEquals(bytes("1"), o.tree("a").get(bytes("x")));
        assertArrayEquals(bytes("2"), o.tree("b").get(bytes("y")));
        assertNull(o.tree("a").get(bytes("y")), "trees are separate");
        assertEquals(3, o.nextSequence("ids"));
        assertEquals(2, o.nextSequence("other"));
        assertArrayEquals(schema, o.meta("schema"));
        assertArrayEquals(bytes("v"), o.meta("small"));
        assertNull(o.meta("absent"));
        assertArrayEquals(bytes("record"), o.heap().read(rid));

        o.putMeta("small", bytes("changed"));
        o.putMeta("schema", null);
        assertArrayEquals(bytes("changed"), Storage.open(pages).meta("small"));
        assertNull(Storage.open(pages).meta("schema"));
        assertThrows(IllegalArgumentException.class, () -> o.putMeta("huge", new byte[(1 << 20) + 1]));
        assertThrows(IllegalArgumentException.class, () -> o.tree(""));
        assertThrows(IllegalArgumentException.class, () -> o.tree("n".repeat(257)));
    }

    /** A mixed workload driven by {@code seed}: trees, heap, sequences and meta. */
    /** Random tree, heap, sequence and meta operations; returns the records it left in the heap. */
    static List<Long> workload(Storage s, long seed, int ops) {
        Random r = new Random(seed);
        List<Long> rids = new ArrayList<>();
        for (int op = 0; op < ops; op++) {
            switch (r.nextInt(6)) {
                case 0, 1 -> s.tree("t" + r.nextInt(4)).put(randomBytes(r, 30), randomBytes(r, 60));
                case 2 -> s.tree("t" + r.nextInt(4)).remove(randomBytes(r, 30));
                case 3 -> rids.add(s.heap().insert(randomBytes(r, r.nextInt(30) == 0 ? 9000 : 400)));
                case 4 -> {
                    if (!rids.isEmpty()) {
                        long rid = rids.get(r.nextInt(rids.size()));
                        if (r.nextBoolean()) s.heap().update(rid, randomBytes(r, 1500));
                        else {
                            s.heap().delete(rid);
                            rids.remove(rid);
                        }
                    }
                }
                default -> {
                    s.nextSequence("seq" + r.nextInt(3));
                    if (r.nextInt(10) == 0) s.putMeta("m" + r.nextInt(3), randomBytes(r, 5000));
                }
            }
        }
        return rids;
    }

    @Test
    void theSameCallsGiveByteIdenticalPages() {
        MemoryPages one = new MemoryPages(1500), two = new MemoryPages(1500);
        workload(Storage.format(one), 7, 5000);
        workload(Storage.format(two), 7, 5000);
        assertArrayEquals(one.snapshot(), two.snapshot());

        // Also transaction by transaction through overlays, each over a fresh Storage.
        MemoryPages three = new MemoryPages(1500);
        PageOverlay first = new PageOverlay(three);
        Storage.format(first);
        first.commit();
        for (int tx = 0; tx < 50; tx++) {
            PageOverlay overlay = new PageOverlay(three);
            workload(Storage.open(overlay), 1000 + tx, 100);
            overlay.commit();
        }
        MemoryPages four = new MemoryPages(1500);
        Storage direct = Storage.format(four);
        for (int tx = 0; tx < 50; tx++) workload(direct, 1000 + tx, 100);
        assertArrayEquals(four.snapshot(), three.snapshot());
    }

    @Test
    void commitModifiesExactlyThePagesWhoseBytesChanged() {
        MemoryPages base = new MemoryPages(1500);
        Storage.format(base);
        workload(Storage.open(base), 3, 3000);
        for (int tx = 0; tx < 30; tx++) {
            byte[][] before = base.snapshot();
            base.clearWrites();
            PageOverlay overlay = new PageOverlay(base);
            workload(Storage.open(overlay), 500 + tx, 1 + tx * 3);
            int changed = overlay.commit();
            List<Integer> differing = new ArrayList<>();
            for (int p = 0; p < base.pageCount(); p++)
                if (!java.util.Arrays.equals(before[p], base.read(p))) differing.add(p);
            assertEquals(differing, base.writes(), "transaction " + tx);
            assertEquals(differing.size(), changed);
        }
    }

    @Test
    void corruptPagesGiveStorageExceptionsOnly() {
        MemoryPages pages = new MemoryPages(600);
        Storage s = Storage.format(pages);
        workload(s, 9, 2500);
        List<Long> rids = new ArrayList<>();
        for (int i = 0; i < 100; i++) rids.add(s.heap().insert(randomBytes(new Random(i), i % 10 == 0 ? 7000 : 300)));
        byte[][] clean = pages.snapshot();
        int used = s.pagesInUse();
        int failures = 0;
        for (int trial = 0; trial < 300; trial++) {
            Random r = new Random(trial);
            MemoryPages broken = new MemoryPages(clean);
            for (int flip = 0, n = 1 + r.nextInt(8); flip < n; flip++) {
                int page = r.nextInt(used + 2);
                // Half the flips hit the headers and slot arrays, where structure lives.
                int at = r.nextBoolean() ? r.nextInt(64) : r.nextInt(Pages.PAGE_SIZE);
                broken.write(page)[at] ^= (byte) (1 << r.nextInt(8));
            }
            try {
                exercise(broken, rids, r);
            } catch (StorageException expected) {
                assertNotNull(expected.getMessage());
                failures++;
            } catch (RuntimeException | StackOverflowError e) {
                fail("trial " + trial + ": " + e, e);
            }
        }
        // Storage keeps no checksums (the engine's page digests are what detect corrupt bytes), so a
        // flip in opaque bytes (a record's or key's contents, free space) cannot be seen here; which
        // flips must be is pinned down by the test below. Here: nothing but StorageExceptions.
        assertTrue(failures > 0, "some corruption was detected");
    }

    /**
     * Precisely which corruptions the storage layer itself detects. Every page in use begins with
     * its kind byte (PageKind; the superblock its magic): a flip there must be detected by the
     * exercise, which reaches every page in use. Pages beyond those in use are never read: a flip
     * there can be neither detected nor matter, and the exercise must see exactly what it sees on the
     * clean state. Flips elsewhere in pages in use may hit opaque bytes (contents, free space), which
     * only the engine's page digests can detect. (A heap page whose kind is flipped makes its records
     * look absent to {@code exists}: only a caller that holds their ids, as an index does, can tell
     * that from deletion; so the exercise reads every live record by id.)
     */
    @Test
    void everyFlipOfAPagesKindIsDetectedAndUnusedPagesNeverMatter() {
        MemoryPages pages = new MemoryPages(600);
        Storage s = Storage.format(pages);
        // Every live record is read by the exercise (the heap has no scan: a record nobody holds a rid of is unreachable).
        List<Long> rids = new ArrayList<>(workload(s, 9, 2500));
        for (int i = 0; i < 100; i++) rids.add(s.heap().insert(randomBytes(new Random(i), i % 10 == 0 ? 7000 : 300)));
        byte[][] clean = pages.snapshot();
        int used = s.pagesInUse();
        long cleanTranscript = exercise(new MemoryPages(clean), rids, new Random(42));
        List<Integer> undetected = new ArrayList<>();
        for (int page = 0; page < used; page++) {
            MemoryPages broken = new MemoryPages(clean);
            broken.write(page)[0] ^= (byte) 0x10;
            try {
                exercise(broken, rids, new Random(42));
                undetected.add(page);
            } catch (StorageException expected) {
                assertNotNull(expected.getMessage());
            }
        }
        assertEquals(List.of(), undetected, "pages in use whose kind byte was flipped without detection (of " + used + ")");
        Random r = new Random(5);
        for (int page = used; page < pages.pageCount(); page++) {
            MemoryPages broken = new MemoryPages(clean);
            broken.write(page)[r.nextInt(Pages.PAGE_SIZE)] ^= (byte) (1 << r.nextInt(8));
            assertEquals(cleanTranscript, exercise(broken, rids, new Random(42)), "a flip in unused page " + page + " mattered");
        }
    }

    /** Reads and changes everything a corrupt state might trip over; returns a hash of all it read. */
    private static long exercise(Pages pages, List<Long> rids, Random r) {
        Storage s = Storage.open(pages);
        long h = 17;
        for (int t = 0; t < 4; t++) {
            BPlusTree tree = s.tree("t" + t);
            h = 31 * h + tree.size();
            for (Iterator<Map.Entry<byte[], byte[]>> it = tree.scan(null, null, r.nextBoolean()); it.hasNext(); ) {
                var e = it.next();
                h = 31 * h + java.util.Arrays.hashCode(e.getKey()) * 7 + java.util.Arrays.hashCode(e.getValue());
            }
            for (int i = 0; i < 20; i++) {
                byte[] k = randomBytes(r, 30);
                h = 31 * h + java.util.Arrays.hashCode(tree.get(k));
                tree.put(k, randomBytes(r, 60));
                tree.remove(randomBytes(r, 30));
            }
        }
        for (long rid : rids) {
            // Every rid is live: one that no longer names a record is corruption (exists() would hide it as "absent").
            h = 31 * h + java.util.Arrays.hashCode(s.heap().read(rid));
            switch (r.nextInt(3)) {
                case 0 -> s.heap().update(rid, randomBytes(r, 2500));
                case 1 -> s.heap().delete(rid);
                default -> s.heap().insert(randomBytes(r, 200));
            }
        }
        h = 31 * h + s.nextSequence("seq0");
        h = 31 * h + java.util.Arrays.hashCode(s.meta("m0"));
        s.putMeta("m1", randomBytes(r, 3000));
        return h;
    }

    private static void assertMessage(String part, org.junit.jupiter.api.function.Executable call) {
        StorageException e = assertThrows(StorageException.class, call);
        assertTrue(e.getMessage().contains(part), "message \"" + e.getMessage() + "\" lacks \"" + part + "\"");
    }

    static byte[] randomBytes(Random r, int maxLength) {
        byte[] b = new byte[r.nextInt(maxLength + 1)];
        r.nextBytes(b);
        return b;
    }

    static byte[] bytes(String s) { return s.getBytes(StandardCharsets.UTF_8); }
}
