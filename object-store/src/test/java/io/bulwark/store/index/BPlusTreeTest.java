package io.bulwark.store.index;

import io.bulwark.store.page.MemoryPages;
import io.bulwark.store.storage.Storage;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.Random;
import java.util.TreeMap;

import static org.junit.jupiter.api.Assertions.*;

class BPlusTreeTest {

    /** Keys as the model sees them: byte[] compared unsigned-lexicographically, like the tree. */
    static TreeMap<byte[], byte[]> model() { return new TreeMap<>(Arrays::compareUnsigned); }

    static byte[] randomBytes(Random r, int maxLength) {
        byte[] b = new byte[r.nextInt(maxLength + 1)];
        r.nextBytes(b);
        return b;
    }

    /** Keys from a small alphabet and mixed lengths, so that prefixes, equal keys and long keys all occur. */
    static byte[] randomKey(Random r) {
        int shape = r.nextInt(10);
        int length = shape == 0 ? BPlusTree.MAX_KEY_BYTES - r.nextInt(3) : shape < 3 ? r.nextInt(100) : 1 + r.nextInt(6);
        byte[] k = new byte[length];
        for (int i = 0; i < length; i++) k[i] = (byte) (shape < 3 ? r.nextInt(256) : "\u0000ab\u00ff".charAt(r.nextInt(4)));
        return k;
    }

    static void assertSameContent(NavigableMap<byte[], byte[]> model, BPlusTree tree, Random r) {
        assertEquals(model.size(), tree.size());
        assertEntries(model.entrySet().iterator(), tree.scan(null, null, false));
        assertEntries(model.descendingMap().entrySet().iterator(), tree.scan(null, null, true));
        for (int i = 0; i < 20; i++) {
            byte[] a = randomKey(r), b = randomKey(r);
            if (Arrays.compareUnsigned(a, b) > 0) { byte[] t = a; a = b; b = t; }
            assertEntries(model.subMap(a, true, b, false).entrySet().iterator(), tree.scan(a, b, false));
            assertEntries(model.subMap(a, true, b, false).descendingMap().entrySet().iterator(), tree.scan(a, b, true));
            assertEntries(model.headMap(b, false).descendingMap().entrySet().iterator(), tree.scan(null, b, true));
            assertEntries(model.tailMap(a, true).entrySet().iterator(), tree.scan(a, null, false));
        }
    }

    static void assertEntries(Iterator<Map.Entry<byte[], byte[]>> expected, Iterator<Map.Entry<byte[], byte[]>> actual) {
        int n = 0;
        while (expected.hasNext()) {
            assertTrue(actual.hasNext(), "scan ended early after " + n + " entries");
            var e = expected.next();
            var a = actual.next();
            assertArrayEquals(e.getKey(), a.getKey(), "key " + n);
            assertArrayEquals(e.getValue(), a.getValue(), "value " + n);
            n++;
        }
        assertFalse(actual.hasNext(), "scan has more than the " + n + " expected entries");
    }

    @Test
    void randomOperationsMatchATreeMap() {
        for (long seed = 1; seed <= 6; seed++) {
            Random r = new Random(seed);
            MemoryPages pages = new MemoryPages(4000);
            Storage storage = Storage.format(pages);
            BPlusTree tree = storage.tree("t");
            TreeMap<byte[], byte[]> model = model();
            int baseline = storage.pagesInUse();
            for (int op = 0; op < 6000; op++) {
                byte[] key = randomKey(r);
                // Grow for the first half, then shrink: splits first, merges and frees later.
                boolean growing = op < 3000;
                if (r.nextInt(100) < (growing ? 70 : 25)) {
                    byte[] value = randomBytes(r, r.nextInt(8) == 0 ? BPlusTree.MAX_VALUE_BYTES : 20);
                    assertArrayEquals(model.put(key, value), tree.put(key, value), "put seed " + seed + " op " + op);
                } else {
                    byte[] victim = model.isEmpty() || r.nextBoolean() ? key : model.ceilingKey(key);
                    if (victim == null) victim = key;
                    assertArrayEquals(model.remove(victim), tree.remove(victim), "remove seed " + seed + " op " + op);
                }
                if (op % 97 == 0) assertArrayEquals(model.get(key), tree.get(key));
                if (op % 1000 == 999) assertSameContent(model, tree, r);
            }
            for (byte[] k : new ArrayList<>(model.keySet())) assertArrayEquals(model.remove(k), tree.remove(k));
            assertEquals(0, tree.size());
            assertFalse(tree.scan(null, null, false).hasNext());
            assertEquals(baseline, storage.pagesInUse(), "an emptied tree gives every page back but its root (seed " + seed + ")");
        }
    }

    @Test
    void manyTreesInterleavedWithTheHeapInOneStorage() {
        Random r = new Random(11);
        MemoryPages pages = new MemoryPages(6000);
        Storage storage = Storage.format(pages);
        List<TreeMap<byte[], byte[]>> models = new ArrayList<>();
        for (int t = 0; t < 8; t++) models.add(model());
        Map<Long, byte[]> records = new TreeMap<>();
        for (int op = 0; op < 20000; op++) {
            int t = r.nextInt(8);
            BPlusTree tree = storage.tree("tree-" + t);
            byte[] key = randomKey(r);
            switch (r.nextInt(4)) {
                case 0, 1 -> {
                    byte[] v = randomBytes(r, 40);
                    assertArrayEquals(models.get(t).put(key, v), tree.put(key, v));
                }
                case 2 -> assertArrayEquals(models.get(t).remove(key), tree.remove(key));
                default -> {
                    if (records.size() < 300 || r.nextBoolean()) {
                        byte[] rec = randomBytes(r, r.nextInt(20) == 0 ? 9000 : 300);
                        records.put(storage.heap().insert(rec), rec);
                    } else {
                        long rid = records.keySet().iterator().next();
                        assertArrayEquals(records.remove(rid), storage.heap().read(rid));
                        storage.heap().delete(rid);
                    }
                }
            }
        }
        Storage reopened = Storage.open(pages);
        for (int t = 0; t < 8; t++) assertSameContent(models.get(t), reopened.tree("tree-" + t), r);
        for (var e : records.entrySet()) assertArrayEquals(e.getValue(), reopened.heap().read(e.getKey()));
    }

    @Test
    void scanSeesChangesMadeWhileIterating() {
        Storage storage = Storage.format(new MemoryPages(200));
        BPlusTree tree = storage.tree("t");
        for (int i = 0; i < 2000; i++) tree.put(key(i), new byte[10]);
        // Delete every entry while scanning: each key is returned once, in order.
        Iterator<Map.Entry<byte[], byte[]>> it = tree.scan(null, null, false);
        int n = 0;
        while (it.hasNext()) {
            assertArrayEquals(key(n), it.next().getKey());
            tree.remove(key(n));
            n++;
        }
        assertEquals(2000, n);
        assertEquals(0, tree.size());
    }

    @Test
    void aHundredThousandKeysInThreeLevels() {
        MemoryPages pages = new MemoryPages(4000);
        Storage storage = Storage.format(pages);
        BPlusTree tree = storage.tree("big");
        Random r = new Random(5);
        // Insert in a shuffled order (a multiplicative permutation of 0..n-1).
        int n = 100_000;   // a million, timed, is {@code bulwark bench store-scale}
        for (int i = 0; i < n; i++) {
            int k = (int) ((i * 70_001L) % n);
            assertNull(tree.put(key(k), value(k)));
        }
        assertEquals(n, tree.size());
        for (int i = 0; i < 1000; i++) {
            int k = r.nextInt(n);
            assertArrayEquals(value(k), tree.get(key(k)));
        }
        Iterator<Map.Entry<byte[], byte[]>> it = tree.scan(null, null, false);
        for (int k = 0; k < n; k++) assertArrayEquals(key(k), it.next().getKey());
        assertFalse(it.hasNext());
        it = tree.scan(key(50_000), key(40_000), true);
        assertFalse(it.hasNext(), "an empty range");
        it = tree.scan(key(40_000), key(50_000), true);
        for (int k = 49_999; k >= 40_000; k--) assertArrayEquals(key(k), it.next().getKey());
        assertFalse(it.hasNext());
        for (int k = 0; k < n; k += 2) assertArrayEquals(value(k), tree.remove(key(k)));
        assertEquals(n / 2, tree.size());
        assertNull(tree.get(key(2)));
        assertArrayEquals(value(3), tree.get(key(3)));
    }

    @Test
    void oversizedKeysAndValuesAreRejectedAndChangeNothing() {
        MemoryPages pages = new MemoryPages(50);
        BPlusTree tree = Storage.format(pages).tree("t");
        byte[][] before = pages.snapshot();
        assertThrows(IllegalArgumentException.class, () -> tree.put(new byte[513], new byte[1]));
        assertThrows(IllegalArgumentException.class, () -> tree.put(new byte[1], new byte[513]));
        assertThrows(IllegalArgumentException.class, () -> tree.get(new byte[513]));
        assertArrayEquals(before, pages.snapshot());
        assertNull(tree.put(new byte[512], new byte[512]), "the limits themselves are allowed");
        assertNull(tree.put(new byte[0], new byte[0]), "so is the empty key");
        assertEquals(2, tree.size());
    }

    /** "k" and nine decimal digits: the keys' byte order is their numeric order. */
    static byte[] key(int i) {
        byte[] k = new byte[10];
        k[0] = 'k';
        for (int d = 9; d >= 1; d--, i /= 10) k[d] = (byte) ('0' + i % 10);
        return k;
    }

    static byte[] value(int i) { return new byte[] {(byte) i, (byte) (i >> 8), (byte) (i >> 16)}; }
}
