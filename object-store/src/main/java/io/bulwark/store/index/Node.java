package io.bulwark.store.index;

import io.bulwark.store.page.Pages;
import io.bulwark.store.storage.Bytes;
import io.bulwark.store.storage.PageKind;
import io.bulwark.store.storage.StorageException;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The layout of one B+tree node in a page: a slotted page whose slot array (2-byte cell offsets,
 * in key order) grows up from the header while the cells grow down from the end of the page.
 * <pre>
 * offset size field
 *      0    1 kind: {@link PageKind#LEAF} or {@link PageKind#INTERIOR}
 *      1    2 number of cells
 *      3    2 start of the cell area (cells lie in cellStart .. 4096)
 *      5    2 bytes of dead cells inside the cell area (reclaimed by compaction)
 *      7    4 interior: child 0 (keys below the first key); leaf: 0
 *     11    8 root only: number of entries in the tree; 0 elsewhere
 *     19      slot array
 * leaf cell:     keyLen(2) valueLen(2) key value
 * interior cell: keyLen(2) child(4) key   — the child holds keys at or above the key
 * </pre>
 * Every offset and length read from a page is checked against the page before use, so a flipped
 * bit gives a {@link StorageException}, never an exception from array indexing.
 */
final class Node {
    private Node() {}

    static final int COUNT_AT = 1, CELL_START_AT = 3, GARBAGE_AT = 5, LINK_AT = 7, SIZE_AT = 11, HEADER = 19;
    static final int CAPACITY = Pages.PAGE_SIZE - HEADER;
    static final int LEAF_CELL_HEADER = 4, INTERIOR_CELL_HEADER = 6;

    /** Checks the header of a node page read through the allocator (which checked the kind). */
    static void checkHeader(byte[] b, int page) {
        int count = Bytes.u16(b, COUNT_AT);
        int cellStart = Bytes.u16(b, CELL_START_AT);
        int garbage = Bytes.u16(b, GARBAGE_AT);
        if (HEADER + 2 * count > cellStart || cellStart > Pages.PAGE_SIZE || garbage > Pages.PAGE_SIZE - cellStart)
            throw corrupt(page, "header count " + count + ", cell start " + cellStart + ", garbage " + garbage);
    }

    static boolean isLeaf(byte[] b) { return b[0] == PageKind.LEAF; }

    static int count(byte[] b) { return Bytes.u16(b, COUNT_AT); }

    static int cellHeader(byte[] b) { return isLeaf(b) ? LEAF_CELL_HEADER : INTERIOR_CELL_HEADER; }

    /** Offset of cell {@code i}, with its whole extent checked. */
    static int cell(byte[] b, int i) {
        int off = Bytes.u16(b, HEADER + 2 * i);
        int h = cellHeader(b);
        if (off < Bytes.u16(b, CELL_START_AT) || off + h > Pages.PAGE_SIZE) throw corrupt(b, "cell " + i + " at offset " + off);
        int keyLen = Bytes.u16(b, off);
        int valueLen = isLeaf(b) ? Bytes.u16(b, off + 2) : 0;
        if (keyLen > BPlusTree.MAX_KEY_BYTES || valueLen > BPlusTree.MAX_VALUE_BYTES || off + h + keyLen + valueLen > Pages.PAGE_SIZE)
            throw corrupt(b, "cell " + i + " with key length " + keyLen + " and value length " + valueLen + " at offset " + off);
        return off;
    }

    static int cellSize(byte[] b, int off) {
        return isLeaf(b) ? LEAF_CELL_HEADER + Bytes.u16(b, off) + Bytes.u16(b, off + 2) : INTERIOR_CELL_HEADER + Bytes.u16(b, off);
    }

    static int compareKey(byte[] b, int i, byte[] key) {
        int off = cell(b, i);
        int from = off + cellHeader(b);
        return Arrays.compareUnsigned(b, from, from + Bytes.u16(b, off), key, 0, key.length);
    }

    /** Index of {@code key}, or -(insertion point) - 1, as {@link Arrays#binarySearch}. */
    static int search(byte[] b, byte[] key) {
        int lo = 0, hi = count(b) - 1;
        while (lo <= hi) {
            int mid = (lo + hi) >>> 1;
            int c = compareKey(b, mid, key);
            if (c < 0) lo = mid + 1;
            else if (c > 0) hi = mid - 1;
            else return mid;
        }
        return -(lo + 1);
    }

    /** Number of keys at or below {@code key} (null: none), which is the interior child that covers it. */
    static int keysAtOrBelow(byte[] b, byte[] key) {
        if (key == null) return 0;
        int i = search(b, key);
        return i >= 0 ? i + 1 : -(i + 1);
    }

    /** Number of keys strictly below {@code key} (null: all). */
    static int keysBelow(byte[] b, byte[] key) {
        if (key == null) return count(b);
        int i = search(b, key);
        return i >= 0 ? i : -(i + 1);
    }

    static byte[] key(byte[] b, int i) {
        int off = cell(b, i);
        int from = off + cellHeader(b);
        return Arrays.copyOfRange(b, from, from + Bytes.u16(b, off));
    }

    static byte[] value(byte[] b, int i) {
        int off = cell(b, i);
        int from = off + LEAF_CELL_HEADER + Bytes.u16(b, off);
        return Arrays.copyOfRange(b, from, from + Bytes.u16(b, off + 2));
    }

    static boolean valueEquals(byte[] b, int i, byte[] value) {
        int off = cell(b, i);
        int from = off + LEAF_CELL_HEADER + Bytes.u16(b, off);
        return Arrays.equals(b, from, from + Bytes.u16(b, off + 2), value, 0, value.length);
    }

    /** Child {@code i} (0 .. count) of an interior node. */
    static int child(byte[] b, int i) {
        return i == 0 ? Bytes.i32(b, LINK_AT) : Bytes.i32(b, cell(b, i - 1) + 2);
    }

    static byte[] leafCell(byte[] key, byte[] value) {
        byte[] c = new byte[LEAF_CELL_HEADER + key.length + value.length];
        Bytes.u16(c, 0, key.length);
        Bytes.u16(c, 2, value.length);
        System.arraycopy(key, 0, c, LEAF_CELL_HEADER, key.length);
        System.arraycopy(value, 0, c, LEAF_CELL_HEADER + key.length, value.length);
        return c;
    }

    static byte[] interiorCell(byte[] key, int child) {
        byte[] c = new byte[INTERIOR_CELL_HEADER + key.length];
        Bytes.u16(c, 0, key.length);
        Bytes.i32(c, 2, child);
        System.arraycopy(key, 0, c, INTERIOR_CELL_HEADER, key.length);
        return c;
    }

    static byte[] cellKey(byte[] cell, boolean leaf) {
        int h = leaf ? LEAF_CELL_HEADER : INTERIOR_CELL_HEADER;
        return Arrays.copyOfRange(cell, h, h + Bytes.u16(cell, 0));
    }

    static int cellChild(byte[] cell) { return Bytes.i32(cell, 2); }

    /** Bytes the cells and their slots take. */
    static int used(byte[] b) {
        return Pages.PAGE_SIZE - Bytes.u16(b, CELL_START_AT) - Bytes.u16(b, GARBAGE_AT) + 2 * count(b);
    }

    static int free(byte[] b) { return CAPACITY - used(b); }

    /** Copies of every cell, in order. */
    static List<byte[]> cells(byte[] b) {
        int n = count(b);
        List<byte[]> out = new ArrayList<>(n + 1);
        for (int i = 0; i < n; i++) {
            int off = cell(b, i);
            out.add(Arrays.copyOfRange(b, off, off + cellSize(b, off)));
        }
        return out;
    }

    /** Inserts {@code cell} as cell {@code i}; the caller checked that {@link #free} has room for it and its slot. */
    static void insert(byte[] w, int i, byte[] cell) {
        int count = count(w);
        if (Bytes.u16(w, CELL_START_AT) - (HEADER + 2 * count) < cell.length + 2) {
            compact(w);
            if (Bytes.u16(w, CELL_START_AT) - (HEADER + 2 * count) < cell.length + 2)
                throw corrupt(w, "its header promised room its cells do not leave");
        }
        int off = Bytes.u16(w, CELL_START_AT) - cell.length;
        System.arraycopy(cell, 0, w, off, cell.length);
        int slot = HEADER + 2 * i;
        System.arraycopy(w, slot, w, slot + 2, 2 * (count - i));
        Bytes.u16(w, slot, off);
        Bytes.u16(w, COUNT_AT, count + 1);
        Bytes.u16(w, CELL_START_AT, off);
    }

    /** Removes cell {@code i}; its bytes become garbage until the next compaction. */
    static void remove(byte[] w, int i) {
        int count = count(w);
        int off = cell(w, i);
        int size = cellSize(w, off);
        int slot = HEADER + 2 * i;
        System.arraycopy(w, slot + 2, w, slot, 2 * (count - i - 1));
        Bytes.u16(w, HEADER + 2 * (count - 1), 0);
        Bytes.u16(w, COUNT_AT, count - 1);
        if (off == Bytes.u16(w, CELL_START_AT)) Bytes.u16(w, CELL_START_AT, off + size);
        else Bytes.u16(w, GARBAGE_AT, Bytes.u16(w, GARBAGE_AT) + size);
        // Zero the dead bytes: the page's content then depends only on the live entries' history,
        // and a dead key never lingers in the replicated state.
        Arrays.fill(w, off, off + size, (byte) 0);
        if (count - 1 == 0) {
            Bytes.u16(w, CELL_START_AT, Pages.PAGE_SIZE);
            Bytes.u16(w, GARBAGE_AT, 0);
        }
    }

    /** Rewrites the node as {@code kind} with {@code link} and {@code cells}, keeping the size field. */
    static void rewrite(byte[] w, byte kind, int link, List<byte[]> cells) {
        // Only a corrupt node (a header that misstates its cells) can fail this; check before touching the page.
        if (bytesOf(cells, 0, cells.size()) > CAPACITY) throw corrupt(w, cells.size() + " cells overfill the page");
        long size = Bytes.i64(w, SIZE_AT);
        Arrays.fill(w, (byte) 0);
        w[0] = kind;
        Bytes.i32(w, LINK_AT, link);
        Bytes.i64(w, SIZE_AT, size);
        int off = Pages.PAGE_SIZE;
        for (int i = 0; i < cells.size(); i++) {
            byte[] c = cells.get(i);
            off -= c.length;
            System.arraycopy(c, 0, w, off, c.length);
            Bytes.u16(w, HEADER + 2 * i, off);
        }
        Bytes.u16(w, COUNT_AT, cells.size());
        Bytes.u16(w, CELL_START_AT, off);
    }

    private static void compact(byte[] w) {
        List<byte[]> cells = cells(w);
        rewrite(w, w[0], Bytes.i32(w, LINK_AT), cells);
    }

    static int bytesOf(List<byte[]> cells, int from, int to) {
        int n = 0;
        for (int i = from; i < to; i++) n += cells.get(i).length + 2;
        return n;
    }

    private static StorageException corrupt(byte[] b, String what) {
        return new StorageException("corrupt " + PageKind.name(b[0]) + " node: " + what);
    }

    private static StorageException corrupt(int page, String what) {
        return new StorageException("corrupt B+tree node page " + page + ": " + what);
    }
}
