package io.bulwark.store.heap;

import io.bulwark.store.page.MemoryPages;
import io.bulwark.store.page.PageOverlay;
import io.bulwark.store.storage.Storage;
import io.bulwark.store.storage.StorageException;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.*;

class PageHeapTest {

    static byte[] record(Random r, int length) {
        byte[] b = new byte[length];
        r.nextBytes(b);
        return b;
    }

    /** Mostly small records, some around the inline limit, a few spanning several overflow pages. */
    static int randomLength(Random r) {
        int shape = r.nextInt(20);
        if (shape == 0) return PageHeap.MAX_INLINE - 2 + r.nextInt(5);
        if (shape == 1) return 4000 + r.nextInt(12000);
        if (shape == 2) return 0;
        return r.nextInt(shape < 8 ? 40 : 700);
    }

    @Test
    void randomOperationsMatchAMap() {
        for (long seed = 1; seed <= 5; seed++) {
            Random r = new Random(seed);
            MemoryPages pages = new MemoryPages(3000);
            Storage storage = Storage.format(pages);
            PageHeap heap = storage.heap();
            int baseline = storage.pagesInUse();
            Map<Long, byte[]> model = new HashMap<>();
            List<Long> rids = new ArrayList<>();
            for (int op = 0; op < 8000; op++) {
                int choice = r.nextInt(10);
                if (rids.isEmpty() || choice < 4) {
                    byte[] rec = record(r, randomLength(r));
                    long rid = heap.insert(rec);
                    assertNotEquals(0, rid);
                    assertNull(model.put(rid, rec), "a live id handed out twice");
                    rids.add(rid);
                } else {
                    long rid = rids.get(r.nextInt(rids.size()));
                    if (choice < 7) {
                        byte[] rec = record(r, randomLength(r));
                        heap.update(rid, rec);
                        model.put(rid, rec);
                    } else if (choice < 9) {
                        heap.delete(rid);
                        model.remove(rid);
                        rids.remove(rid);
                        assertFalse(heap.exists(rid));
                        assertThrows(StorageException.class, () -> heap.read(rid));
                    } else {
                        assertArrayEquals(model.get(rid), heap.read(rid), "seed " + seed + " op " + op);
                    }
                }
            }
            PageHeap reopened = Storage.open(pages).heap();
            for (var e : model.entrySet()) {
                assertTrue(reopened.exists(e.getKey()));
                assertArrayEquals(e.getValue(), reopened.read(e.getKey()));
            }
            for (long rid : rids) heap.delete(rid);
            assertEquals(baseline, storage.pagesInUse(), "deleting everything gives every page back (seed " + seed + ")");
        }
    }

    @Test
    void anUpdateThatDoesNotGrowTheRecordWritesOnlyItsOwnBytes() {
        Random r = new Random(11);
        MemoryPages pages = new MemoryPages(100);
        PageHeap heap = Storage.format(pages).heap();
        // A page full of 60-byte records, with a hole in the middle: an update that compacted the page
        // would move every cell after the hole.
        List<Long> rids = new ArrayList<>();
        long first = heap.insert(record(r, 60));
        rids.add(first);
        while (true) {
            long rid = heap.insert(record(r, 60));
            if (rid >>> 16 != first >>> 16) break;
            rids.add(rid);
        }
        heap.delete(rids.get(rids.size() / 2));
        // Not the last cell placed (the lowest in the page): freeing that one alone would make room.
        long target = rids.get(1);
        int page = (int) (first >>> 16);
        byte[] before = pages.read(page).clone();
        byte[] updated = record(r, 57);
        heap.update(target, updated);
        byte[] after = pages.read(page);
        int changed = 0;
        for (int i = 0; i < before.length; i++) if (before[i] != after[i]) changed++;
        assertTrue(changed <= 60 + 8, "the update changed " + changed + " bytes of its page");
        assertArrayEquals(updated, heap.read(target));
        // The 3 bytes it no longer uses are free again: a grown record still fits after compaction.
        byte[] grown = record(r, 63);
        heap.update(target, grown);
        assertArrayEquals(grown, heap.read(target));
        assertEquals(page, (int) (target >>> 16));
        for (long rid : rids) if (rid != rids.get(rids.size() / 2) && rid != target) assertEquals(60, heap.read(rid).length);
    }

    @Test
    void churnReusesFreedSpace() {
        Random r = new Random(3);
        Storage storage = Storage.format(new MemoryPages(2000));
        PageHeap heap = storage.heap();
        List<Long> live = new ArrayList<>();
        for (int i = 0; i < 500; i++) live.add(heap.insert(record(r, r.nextInt(300))));
        int afterFill = storage.pagesInUse();
        int most = 0;
        for (int round = 0; round < 50_000; round++) {
            int victim = r.nextInt(live.size());
            heap.delete(live.get(victim));
            live.set(victim, heap.insert(record(r, r.nextInt(300))));
            if (round % 7 == 0) heap.update(live.get(r.nextInt(live.size())), record(r, r.nextInt(300)));
            most = Math.max(most, storage.pagesInUse());
        }
        // 500 records of at most 300 bytes fit in well under 2x the pages the first fill took.
        assertTrue(most <= 2 * afterFill, "churn grew the heap from " + afterFill + " to " + most + " pages");
    }

    @Test
    void updateKeepsTheIdWhenTheRecordOutgrowsItsPage() {
        Random r = new Random(4);
        Storage storage = Storage.format(new MemoryPages(200));
        PageHeap heap = storage.heap();
        List<Long> rids = new ArrayList<>();
        for (int i = 0; i < 40; i++) rids.add(heap.insert(record(r, 90)));   // packs the first page
        long rid = rids.get(3);
        byte[] bigger = record(r, 1500);
        heap.update(rid, bigger);                                          // moves out, leaves a forward
        assertArrayEquals(bigger, heap.read(rid));
        byte[] larger = record(r, 1900);
        heap.update(rid, larger);                                          // moves again, still one hop
        assertArrayEquals(larger, heap.read(rid));
        byte[] small = record(r, 5);
        heap.update(rid, small);                                           // back home
        assertArrayEquals(small, heap.read(rid));
        byte[] overflow = record(r, 30_000);
        heap.update(rid, overflow);                                        // an overflow stub in place
        assertArrayEquals(overflow, heap.read(rid));
        for (long other : rids) if (other != rid) assertEquals(90, heap.read(other).length);
        for (long id : rids) heap.delete(id);
        assertEquals(Storage.format(new MemoryPages(200)).pagesInUse(), storage.pagesInUse());
    }

    @Test
    void sixteenMebibyteRecords() {
        Random r = new Random(16);
        MemoryPages pages = new MemoryPages(9000);
        Storage storage = Storage.format(pages);
        PageHeap heap = storage.heap();
        int baseline = storage.pagesInUse();
        byte[] big = record(r, 16 << 20);
        long rid = heap.insert(big);
        assertArrayEquals(big, Storage.open(pages).heap().read(rid));
        byte[] other = record(r, (16 << 20) + 1);
        heap.update(rid, other);
        assertArrayEquals(other, heap.read(rid));
        assertTrue(storage.pagesInUse() < baseline + 4200, "the old chain was freed");
        heap.delete(rid);
        assertEquals(baseline, storage.pagesInUse());
    }

    @Test
    void unknownIdsAreRejected() {
        Storage storage = Storage.format(new MemoryPages(50));
        PageHeap heap = storage.heap();
        long rid = heap.insert(new byte[] {1, 2, 3});
        long treeRoot = (long) storage.tree("t").rootPage() << 16;
        for (long bad : new long[] {0, -1, 1, rid + 1, treeRoot, (49L << 16), (50L << 16), Long.MAX_VALUE}) {
            assertFalse(heap.exists(bad), "id " + bad);
            StorageException e = assertThrows(StorageException.class, () -> heap.read(bad));
            assertTrue(e.getMessage().contains("no record with id"), e.getMessage());
            assertThrows(StorageException.class, () -> heap.delete(bad));
            assertThrows(StorageException.class, () -> heap.update(bad, new byte[1]));
        }
        assertArrayEquals(new byte[] {1, 2, 3}, heap.read(rid));
    }

    @Test
    void fullStateThroughAnOverlayChangesNothing() {
        MemoryPages base = new MemoryPages(40);
        Storage.format(base);
        byte[][] before = base.snapshot();
        PageOverlay overlay = new PageOverlay(base);
        PageHeap heap = Storage.open(overlay).heap();
        StorageException e = assertThrows(StorageException.class, () -> heap.insert(new byte[200_000]));
        assertTrue(e.getMessage().startsWith("state full: "), e.getMessage());
        overlay.discard();
        assertArrayEquals(before, base.snapshot());
        assertEquals(List.of(0, 1, 2), base.writes(), "only format wrote to the base");
    }
}
