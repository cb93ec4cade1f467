package io.bulwark.store.heap;

import io.bulwark.store.index.BPlusTree;
import io.bulwark.store.page.Pages;
import io.bulwark.store.storage.Bytes;
import io.bulwark.store.storage.PageAllocator;
import io.bulwark.store.storage.PageKind;
import io.bulwark.store.storage.StorageException;
import io.bulwark.store.storage.Superblock;

import java.util.Arrays;
import java.util.Iterator;
import java.util.Map;

/**
 * Variable-length records in slotted heap pages, addressed by a record id {@code page << 16 | slot}
 * (never 0: heap pages are at least {@link Superblock#FIRST_ALLOCATABLE}).
 * <pre>
 * heap page:  kind(1) slotCount(2) cellStart(2) liveBytes(2) | slots: offset(2) length(2) ... | free | cells
 * cell:       tag(1) payload — INLINE: the record; OVERFLOW: length(4) first page(4);
 *             FORWARD: the record id (8) of the MOVED cell that holds the record
 * overflow:   kind(1) next page(4) bytes used(2) data
 * </pre>
 * A free slot has offset 0. Every cell occupies at least {@link #MIN_CELL} bytes, so any cell can be
 * turned in place into a forwarding or overflow stub: that is how {@link #update} keeps the id of a
 * record that no longer fits in its page (the record moves to another page, at most one hop away).
 * Records above {@link #MAX_INLINE} bytes live in a chain of overflow pages, freed with the record.
 * <p>
 * Free space is found through the free-space map, a {@link BPlusTree} keyed by (free bytes, page):
 * the ceiling of (needed, 0) is the fullest page that has room. Deleted space is reused, trailing
 * free slots are dropped, and a page left without records goes back to the allocator. A slot freed
 * by {@link #delete} may be reused by a later insert, so a deleted id can come back to life.
 */
public final class PageHeap {
    /** The largest record: 64 MiB. */
    public static final int MAX_RECORD_BYTES = 1 << 26;
    /** Records above this many bytes go to overflow pages (two inline records of this size share a page). */
    public static final int MAX_INLINE = 2000;

    static final int COUNT_AT = 1, CELL_START_AT = 3, LIVE_AT = 5, HEADER = 7, SLOT = 4, MIN_CELL = 9;
    static final byte INLINE = 1, OVERFLOW = 2, FORWARD = 3, MOVED = 0x10;
    static final int NEXT_AT = 1, USED_AT = 5, OVERFLOW_HEADER = 7, OVERFLOW_CAPACITY = Pages.PAGE_SIZE - OVERFLOW_HEADER;
    private static final int MAX_SLOTS = (Pages.PAGE_SIZE - HEADER) / (SLOT + MIN_CELL);
    /** Pages with less room are left out of the free-space map: no record fits there. */
    private static final int MIN_TRACKED = MIN_CELL + SLOT;
    /** The "free bytes before" of a page not yet in the free-space map. */
    private static final int UNTRACKED = -1;

    private final PageAllocator alloc;
    private final Pages pages;
    private final BPlusTree freeSpace;

    public PageHeap(PageAllocator alloc, BPlusTree freeSpace) {
        this.alloc = alloc;
        this.pages = alloc.pages();
        this.freeSpace = freeSpace;
    }

    public long insert(byte[] record) {
        checkRecord(record);
        return place(cell(record, (byte) 0));
    }

    public byte[] read(long rid) {
        Location at = find(rid, false, true);
        if (at.tag == FORWARD) at = target(at);
        return content(at);
    }

    public boolean exists(long rid) {
        return find(rid, false, false) != null;
    }

    public void delete(long rid) {
        Location at = find(rid, false, true);
        release(at);
        removeCell(at.page, at.slot);
    }

    /** Replaces the record; its id stays valid and unchanged. */
    public void update(long rid, byte[] record) {
        checkRecord(record);
        Location at = find(rid, false, true);
        release(at);
        byte[] cell = cell(record, (byte) 0);
        at = find(rid, false, true);
        byte[] b = pages.read(at.page);
        if (allocation(cell.length) <= free(b) + allocation(at.length)) {
            replaceCell(at.page, at.slot, cell);
            return;
        }
        // It does not fit here: leave a forwarding stub (it fits: every cell has MIN_CELL bytes) and move the record.
        byte[] stub = new byte[MIN_CELL];
        stub[0] = FORWARD;
        replaceCell(at.page, at.slot, stub);
        cell[0] |= MOVED;
        long target = place(cell);
        at = find(rid, false, true);
        Bytes.i64(pages.write(at.page), at.offset + 1, target);
    }

    // ---- cells ----

    private record Location(int page, int slot, int offset, int length, byte tag) {}

    /**
     * The cell of {@code rid}; a moved cell only if {@code moved}. An id that names no such cell
     * gives null, or a StorageException if {@code required}.
     */
    private Location find(long rid, boolean moved, boolean required) {
        long pageNumber = rid >>> 16;
        int slot = (int) (rid & 0xFFFF);
        if (rid <= 0 || pageNumber < Superblock.FIRST_ALLOCATABLE || pageNumber >= pages.pageCount()
                || pages.read((int) pageNumber)[0] != PageKind.HEAP)
            return unknown(rid, required);
        int page = (int) pageNumber;
        byte[] b = heapPage(page);
        if (slot >= Bytes.u16(b, COUNT_AT)) return unknown(rid, required);
        int offset = Bytes.u16(b, HEADER + SLOT * slot);
        int length = Bytes.u16(b, HEADER + SLOT * slot + 2);
        if (offset == 0) return unknown(rid, required);
        if (offset < Bytes.u16(b, CELL_START_AT) || length < 1 || offset + allocation(length) > Pages.PAGE_SIZE)
            throw corrupt(page, "slot " + slot + " at offset " + offset + " length " + length);
        byte tag = b[offset];
        boolean isMoved = (tag & MOVED) != 0;
        byte kind = (byte) (tag & ~MOVED);
        boolean stub = kind == OVERFLOW || kind == FORWARD;
        if (kind < INLINE || kind > FORWARD || (isMoved && kind == FORWARD) || (stub && length != MIN_CELL))
            throw corrupt(page, "slot " + slot + " has tag " + tag + " and length " + length);
        if (isMoved != moved) return unknown(rid, required);
        return new Location(page, slot, offset, length, kind);
    }

    private static Location unknown(long rid, boolean required) {
        if (required) throw new StorageException("no record with id " + rid);
        return null;
    }

    private Location target(Location forward) {
        long target = Bytes.i64(pages.read(forward.page), forward.offset + 1);
        Location t = find(target, true, false);
        if (t == null) throw corrupt(forward.page, "slot " + forward.slot + " forwards to missing record " + target);
        return t;
    }

    private byte[] content(Location at) {
        byte[] b = pages.read(at.page);
        if (at.tag == INLINE) return Arrays.copyOfRange(b, at.offset + 1, at.offset + at.length);
        int length = Bytes.i32(b, at.offset + 1);
        int first = Bytes.i32(b, at.offset + 5);
        checkChainLength(at, length);
        byte[] out = new byte[length];
        walkChain(first, length, out, false);
        return out;
    }

    /** Frees what the cell holds outside its slot: a moved record, an overflow chain. */
    private void release(Location at) {
        if (at.tag == FORWARD) {
            Location t = target(at);
            release(t);
            removeCell(t.page, t.slot);
        } else if (at.tag == OVERFLOW) {
            byte[] b = pages.read(at.page);
            int length = Bytes.i32(b, at.offset + 1);
            checkChainLength(at, length);
            walkChain(Bytes.i32(b, at.offset + 5), length, null, true);
        }
    }

    private void checkChainLength(Location at, int length) {
        if (length <= MAX_INLINE || length > MAX_RECORD_BYTES)
            throw corrupt(at.page, "slot " + at.slot + " claims an overflow record of " + length + " bytes");
    }

    /** The cell for {@code record}; a large record's overflow chain is written now. */
    private byte[] cell(byte[] record, byte flags) {
        if (record.length <= MAX_INLINE) {
            byte[] c = new byte[1 + record.length];
            c[0] = (byte) (INLINE | flags);
            System.arraycopy(record, 0, c, 1, record.length);
            return c;
        }
        byte[] c = new byte[MIN_CELL];
        c[0] = (byte) (OVERFLOW | flags);
        Bytes.i32(c, 1, record.length);
        Bytes.i32(c, 5, writeChain(record));
        return c;
    }

    private static int allocation(int cellLength) { return Math.max(cellLength, MIN_CELL); }

    // ---- overflow chains ----

    private int writeChain(byte[] record) {
        int first = 0, previous = 0;
        for (int off = 0; off < record.length; off += OVERFLOW_CAPACITY) {
            int page = alloc.allocate(PageKind.OVERFLOW);
            int n = Math.min(OVERFLOW_CAPACITY, record.length - off);
            byte[] w = pages.write(page);
            Bytes.u16(w, USED_AT, n);
            System.arraycopy(record, off, w, OVERFLOW_HEADER, n);
            if (previous == 0) first = page;
            else Bytes.i32(pages.write(previous), NEXT_AT, page);
            previous = page;
        }
        return first;
    }

    /**
     * Walks a chain of {@code length} bytes, copying into {@code out} (if not null) and freeing the
     * pages (if {@code free}). Every page must carry exactly the bytes the length implies, so the
     * walk ends after length / capacity pages even if the links are corrupt.
     */
    private void walkChain(int first, int length, byte[] out, boolean free) {
        int page = first;
        for (int off = 0; off < length; ) {
            byte[] b = alloc.read(page, PageKind.OVERFLOW, "overflow");
            int used = Bytes.u16(b, USED_AT);
            int expected = Math.min(OVERFLOW_CAPACITY, length - off);
            if (used != expected) throw corrupt(page, "overflow page holds " + used + " bytes, expected " + expected);
            if (out != null) System.arraycopy(b, OVERFLOW_HEADER, out, off, used);
            int next = Bytes.i32(b, NEXT_AT);
            off += used;
            if ((off < length) == (next == 0)) throw corrupt(page, "overflow chain link " + next + " after " + off + " of " + length + " bytes");
            if (free) alloc.free(page);
            page = next;
        }
    }

    // ---- slotted pages ----

    private byte[] heapPage(int page) {
        byte[] b = alloc.read(page, PageKind.HEAP, "heap");
        int count = Bytes.u16(b, COUNT_AT), cellStart = Bytes.u16(b, CELL_START_AT), live = Bytes.u16(b, LIVE_AT);
        if (count > MAX_SLOTS || cellStart < HEADER + SLOT * count || cellStart > Pages.PAGE_SIZE || live > Pages.PAGE_SIZE - cellStart)
            throw corrupt(page, "header with " + count + " slots, cell start " + cellStart + ", " + live + " live bytes");
        // Every slot must lie in the cell area and the cells must add up to the live bytes: then
        // compaction, which packs exactly the live bytes at the end of the page, stays in bounds.
        int sum = 0;
        for (int s = 0; s < count; s++) {
            int offset = Bytes.u16(b, HEADER + SLOT * s), length = Bytes.u16(b, HEADER + SLOT * s + 2);
            if (offset == 0 && length == 0) continue;
            if (offset < cellStart || length < 1 || offset + allocation(length) > Pages.PAGE_SIZE)
                throw corrupt(page, "slot " + s + " at offset " + offset + " length " + length);
            sum += allocation(length);
        }
        if (sum != live) throw corrupt(page, "cells of " + sum + " bytes but " + live + " live bytes recorded");
        return b;
    }

    /** Bytes a new cell and its slot may use, after compaction. */
    private static int free(byte[] b) {
        return Pages.PAGE_SIZE - HEADER - SLOT * Bytes.u16(b, COUNT_AT) - Bytes.u16(b, LIVE_AT);
    }

    /** Stores {@code cell} in a page with room (the fullest such), or a new page; returns its id. */
    private long place(byte[] cell) {
        int need = allocation(cell.length) + SLOT;
        int page = fittingPage(need);
        boolean fresh = page == 0;
        if (fresh) {
            page = alloc.allocate(PageKind.HEAP);
            Bytes.u16(pages.write(page), CELL_START_AT, Pages.PAGE_SIZE);
        }
        byte[] b = heapPage(page);
        int before = free(b), count = Bytes.u16(b, COUNT_AT);
        if (before < need) throw new StorageException("corrupt free-space map: heap page " + page + " has " + before + " free bytes, not " + need);
        int slot = 0;
        while (slot < count && Bytes.u16(b, HEADER + SLOT * slot) != 0) slot++;
        if (slot == MAX_SLOTS) throw corrupt(page, "no free slot");
        byte[] w = pages.write(page);
        put(w, slot, cell, slot == count);
        track(page, fresh ? UNTRACKED : before, free(w));
        return ((long) page << 16) | slot;
    }

    /**
     * Writes {@code cell} into free slot {@code slot} of {@code w} (a new last slot if {@code newSlot}),
     * compacting first if the free bytes are scattered.
     */
    private static void put(byte[] w, int slot, byte[] cell, boolean newSlot) {
        int size = allocation(cell.length);
        int count = Bytes.u16(w, COUNT_AT);
        if (Bytes.u16(w, CELL_START_AT) - (HEADER + SLOT * count) < size + (newSlot ? SLOT : 0)) compact(w);
        if (newSlot) Bytes.u16(w, COUNT_AT, count + 1);
        int offset = Bytes.u16(w, CELL_START_AT) - size;
        Arrays.fill(w, offset, offset + size, (byte) 0);
        System.arraycopy(cell, 0, w, offset, cell.length);
        Bytes.u16(w, HEADER + SLOT * slot, offset);
        Bytes.u16(w, HEADER + SLOT * slot + 2, cell.length);
        Bytes.u16(w, CELL_START_AT, offset);
        Bytes.u16(w, LIVE_AT, Bytes.u16(w, LIVE_AT) + size);
    }

    /** Empties slot {@code slot} of {@code w} (keeping the slot), zeroing the cell's bytes. */
    private static void clear(byte[] w, int slot) {
        int offset = Bytes.u16(w, HEADER + SLOT * slot);
        int size = allocation(Bytes.u16(w, HEADER + SLOT * slot + 2));
        Arrays.fill(w, offset, offset + size, (byte) 0);
        Bytes.i32(w, HEADER + SLOT * slot, 0);
        Bytes.u16(w, LIVE_AT, Bytes.u16(w, LIVE_AT) - size);
        if (offset == Bytes.u16(w, CELL_START_AT)) Bytes.u16(w, CELL_START_AT, offset + size);
    }

    /** Moves the live cells together at the end of the page, in slot order. */
    private static void compact(byte[] w) {
        int count = Bytes.u16(w, COUNT_AT);
        byte[][] cells = new byte[count][];
        for (int s = 0; s < count; s++) {
            int offset = Bytes.u16(w, HEADER + SLOT * s);
            if (offset != 0) cells[s] = Arrays.copyOfRange(w, offset, offset + allocation(Bytes.u16(w, HEADER + SLOT * s + 2)));
        }
        int slotsEnd = HEADER + SLOT * count;
        Arrays.fill(w, slotsEnd, Pages.PAGE_SIZE, (byte) 0);
        int end = Pages.PAGE_SIZE;
        for (int s = 0; s < count; s++) {
            if (cells[s] == null) continue;
            end -= cells[s].length;
            System.arraycopy(cells[s], 0, w, end, cells[s].length);
            Bytes.u16(w, HEADER + SLOT * s, end);
        }
        Bytes.u16(w, CELL_START_AT, end);
    }

    /**
     * Replaces the cell in {@code slot}: where the old cell's bytes hold the new one (an update that does
     * not grow the record, the common case), in place; otherwise the old bytes are freed and the new cell
     * placed as a new one would be, which compacts a full page. Always in place would be wrong only for
     * space, never for content: a smaller cell leaves a hole that the next compaction reclaims.
     */
    private void replaceCell(int page, int slot, byte[] cell) {
        byte[] b = heapPage(page);
        int before = free(b);
        byte[] w = pages.write(page);
        int offset = Bytes.u16(w, HEADER + SLOT * slot);
        int oldSize = allocation(Bytes.u16(w, HEADER + SLOT * slot + 2)), size = allocation(cell.length);
        if (size <= oldSize) {
            Arrays.fill(w, offset, offset + oldSize, (byte) 0);
            System.arraycopy(cell, 0, w, offset, cell.length);
            Bytes.u16(w, HEADER + SLOT * slot + 2, cell.length);
            Bytes.u16(w, LIVE_AT, Bytes.u16(w, LIVE_AT) - oldSize + size);
        } else {
            clear(w, slot);
            put(w, slot, cell, false);
        }
        track(page, before, free(w));
    }

    private void removeCell(int page, int slot) {
        byte[] b = heapPage(page);
        int before = free(b);
        byte[] w = pages.write(page);
        clear(w, slot);
        int count = Bytes.u16(w, COUNT_AT);
        while (count > 0 && Bytes.u16(w, HEADER + SLOT * (count - 1)) == 0) count--;
        Bytes.u16(w, COUNT_AT, count);
        if (count == 0) {
            track(page, before, 0);
            alloc.free(page);
        } else {
            track(page, before, free(w));
        }
    }

    // ---- free-space map ----

    private int fittingPage(int need) {
        Iterator<Map.Entry<byte[], byte[]>> it = freeSpace.scan(spaceKey(need, 0), null, false);
        if (!it.hasNext()) return 0;
        byte[] key = it.next().getKey();
        if (key.length != 6) throw new StorageException("corrupt free-space map: key of " + key.length + " bytes");
        return Bytes.i32(key, 2);
    }

    /** Moves {@code page}'s free-space map entry from {@code before} to {@code after} free bytes. */
    private void track(int page, int before, int after) {
        if (before == after) return;
        if (before >= MIN_TRACKED && freeSpace.remove(spaceKey(before, page)) == null)
            throw new StorageException("corrupt free-space map: heap page " + page + " with " + before + " free bytes is missing from it");
        if (after >= MIN_TRACKED) freeSpace.put(spaceKey(after, page), new byte[0]);
    }

    private static byte[] spaceKey(int free, int page) {
        byte[] k = new byte[6];
        Bytes.u16(k, 0, free);
        Bytes.i32(k, 2, page);
        return k;
    }

    private static void checkRecord(byte[] record) {
        if (record == null) throw new IllegalArgumentException("record is null");
        if (record.length > MAX_RECORD_BYTES)
            throw new StorageException("record of " + record.length + " bytes exceeds the limit of " + MAX_RECORD_BYTES);
    }

    private static StorageException corrupt(int page, String what) {
        return new StorageException("corrupt heap page " + page + ": " + what);
    }
}
