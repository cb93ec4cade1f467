package io.bulwark.store.index;

import io.bulwark.store.page.Pages;
import io.bulwark.store.storage.Bytes;
import io.bulwark.store.storage.PageAllocator;
import io.bulwark.store.storage.PageKind;
import io.bulwark.store.storage.StorageException;

import java.util.AbstractMap;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.Objects;

/**
 * A B+tree in the pages: byte[] keys (up to {@link #MAX_KEY_BYTES}) in unsigned-lexicographic order
 * mapped to byte[] values (up to {@link #MAX_VALUE_BYTES}). Node layout: {@link Node}.
 * <p>
 * The root page never moves (the catalog records it once): a root split moves the root's content
 * into a new page and makes the root an interior node over it and the new right half; when an
 * interior root is left with one child, the child's content moves up into the root. The root's
 * header also holds the number of entries.
 * <p>
 * Deletion frees empty nodes and merges a node that falls under a quarter full with a sibling when
 * the two fit in one page; it does not redistribute between siblings that do not fit together
 * (they are each at least a quarter full from the other's point of view, so space stays bounded).
 * <p>
 * The tree keeps nothing in Java memory: every call reads the pages, so two replicas doing the same
 * calls hold the same bytes, and any number of instances over the same pages agree. Every walk is
 * bounded (depth by {@link #MAX_DEPTH}, scans by the page count), so a corrupt page gives a
 * {@link StorageException} and never a loop.
 */
public final class BPlusTree {
    public static final int MAX_KEY_BYTES = 512;
    public static final int MAX_VALUE_BYTES = 512;
    /** Far above any real tree: even two children per node gives 2^40 leaves. */
    static final int MAX_DEPTH = 40;
    private static final int UNDERFULL = Node.CAPACITY / 4;

    private final PageAllocator alloc;
    private final Pages pages;
    private final int root;

    /** Opens the tree whose root is {@code root}; the root is checked now. */
    public BPlusTree(PageAllocator alloc, int root) {
        this.alloc = alloc;
        this.pages = alloc.pages();
        this.root = root;
        node(root);
    }

    /** Allocates an empty tree and returns its root page. */
    public static int create(PageAllocator alloc) {
        int page = alloc.allocate(PageKind.LEAF);
        initEmptyLeaf(alloc.pages().write(page));
        return page;
    }

    /** Makes {@code w} an empty leaf root (for fixed roots the storage lays out itself). */
    public static void initEmptyLeaf(byte[] w) {
        java.util.Arrays.fill(w, (byte) 0);
        w[0] = PageKind.LEAF;
        Bytes.u16(w, Node.CELL_START_AT, Pages.PAGE_SIZE);
    }

    public int rootPage() { return root; }

    public long size() {
        long n = Bytes.i64(node(root), Node.SIZE_AT);
        if (n < 0) throw new StorageException("corrupt B+tree root page " + root + ": size " + n);
        return n;
    }

    public byte[] get(byte[] key) {
        checkKey(key);
        int page = root;
        for (int depth = 0; ; depth++) {
            byte[] b = node(page, depth);
            if (Node.isLeaf(b)) {
                int i = Node.search(b, key);
                return i >= 0 ? Node.value(b, i) : null;
            }
            page = Node.child(b, Node.keysAtOrBelow(b, key));
        }
    }

    /** Maps {@code key} to {@code value}; returns the previous value or null. */
    public byte[] put(byte[] key, byte[] value) {
        checkKey(key);
        Objects.requireNonNull(value, "value");
        if (value.length > MAX_VALUE_BYTES)
            throw new IllegalArgumentException("value of " + value.length + " bytes exceeds " + MAX_VALUE_BYTES);
        byte[][] previous = new byte[1][];
        Split split = insert(root, key, value, previous, 0);
        if (split != null) splitRoot(split);
        if (previous[0] == null) addToSize(1);
        return previous[0];
    }

    /** Removes {@code key}; returns the previous value or null. */
    public byte[] remove(byte[] key) {
        checkKey(key);
        byte[][] previous = new byte[1][];
        delete(root, key, previous, 0);
        if (previous[0] != null) {
            addToSize(-1);
            collapseRoot();
        }
        return previous[0];
    }

    /**
     * Entries with {@code fromInclusive <= key < toExclusive} (null: unbounded), ascending or
     * descending. The iterator reads the tree a leaf at a time, re-finding its place from the last
     * key it returned, so it may be used while the tree changes: it then sees each key at most once,
     * in order, and the changes made beyond its position.
     */
    public Iterator<Map.Entry<byte[], byte[]>> scan(byte[] fromInclusive, byte[] toExclusive, boolean descending) {
        if (fromInclusive != null) checkKey(fromInclusive);
        if (toExclusive != null) checkKey(toExclusive);
        return new Scan(fromInclusive, toExclusive, descending);
    }

    // ---- insertion ----

    private record Split(byte[] separator, int right) {}

    private Split insert(int page, byte[] key, byte[] value, byte[][] previous, int depth) {
        byte[] b = node(page, depth);
        if (Node.isLeaf(b)) {
            int i = Node.search(b, key);
            if (i >= 0) {
                previous[0] = Node.value(b, i);
                if (Node.valueEquals(b, i, value)) return null;
                return place(page, b, i, Node.leafCell(key, value), true);
            }
            return place(page, b, -(i + 1), Node.leafCell(key, value), false);
        }
        int ci = Node.keysAtOrBelow(b, key);
        Split below = insert(Node.child(b, ci), key, value, previous, depth + 1);
        if (below == null) return null;
        return place(page, node(page, depth), ci, Node.interiorCell(below.separator, below.right), false);
    }

    /** Puts {@code cell} at index {@code i} (replacing cell i if {@code replace}), splitting the node if it does not fit. */
    private Split place(int page, byte[] b, int i, byte[] cell, boolean replace) {
        int room = Node.free(b) + (replace ? Node.cellSize(b, Node.cell(b, i)) + 2 : 0);
        if (cell.length + 2 <= room) {
            byte[] w = pages.write(page);
            if (replace) Node.remove(w, i);
            Node.insert(w, i, cell);
            return null;
        }
        List<byte[]> cells = Node.cells(b);
        if (replace) cells.set(i, cell);
        else cells.add(i, cell);
        return split(page, b, cells);
    }

    /** Splits an overfull list of cells between {@code page} and a new right sibling. */
    private Split split(int page, byte[] b, List<byte[]> cells) {
        boolean leaf = Node.isLeaf(b);
        int n = cells.size();
        int total = Node.bytesOf(cells, 0, n);
        // The left half ends before cell m; for an interior node cell m moves up as the separator.
        int best = -1, bestDistance = Integer.MAX_VALUE, left = 0;
        for (int m = 1; m < n; m++) {
            left += cells.get(m - 1).length + 2;
            int right = total - left - (leaf ? 0 : cells.get(m).length + 2);
            if (left > Node.CAPACITY || right > Node.CAPACITY || (!leaf && m == n - 1)) continue;
            int distance = Math.abs(left - right);
            if (distance < bestDistance) {
                best = m;
                bestDistance = distance;
            }
        }
        if (best < 0) throw new IllegalStateException("no split point for " + n + " cells of " + total + " bytes");
        int rightPage = alloc.allocate(leaf ? PageKind.LEAF : PageKind.INTERIOR);
        byte[] separator = Node.cellKey(cells.get(best), leaf);
        byte[] r = pages.write(rightPage);
        if (leaf) Node.rewrite(r, PageKind.LEAF, 0, cells.subList(best, n));
        else Node.rewrite(r, PageKind.INTERIOR, Node.cellChild(cells.get(best)), cells.subList(best + 1, n));
        byte[] w = pages.write(page);
        Node.rewrite(w, w[0], Bytes.i32(w, Node.LINK_AT), new ArrayList<>(cells.subList(0, best)));
        return new Split(separator, rightPage);
    }

    private void splitRoot(Split split) {
        byte[] rootBytes = pages.read(root);
        int left = alloc.allocate(rootBytes[0]);
        byte[] l = pages.write(left);
        System.arraycopy(rootBytes, 0, l, 0, Pages.PAGE_SIZE);
        Bytes.i64(l, Node.SIZE_AT, 0);
        Node.rewrite(pages.write(root), PageKind.INTERIOR, left, List.of(Node.interiorCell(split.separator, split.right)));
    }

    // ---- deletion ----

    /** Deletes {@code key} below {@code page}; returns whether {@code page} is now under-full. */
    private boolean delete(int page, byte[] key, byte[][] previous, int depth) {
        byte[] b = node(page, depth);
        if (Node.isLeaf(b)) {
            int i = Node.search(b, key);
            if (i < 0) return false;
            previous[0] = Node.value(b, i);
            byte[] w = pages.write(page);
            Node.remove(w, i);
            return Node.used(w) < UNDERFULL;
        }
        int ci = Node.keysAtOrBelow(b, key);
        int child = Node.child(b, ci);
        if (!delete(child, key, previous, depth + 1)) return false;
        rebalance(page, ci, depth);
        return Node.used(pages.read(page)) < UNDERFULL;
    }

    /** Child {@code ci} of interior node {@code page} is under-full: free it if empty, else merge it with a sibling if they fit. */
    private void rebalance(int page, int ci, int depth) {
        byte[] b = node(page, depth);
        int count = Node.count(b);
        int child = Node.child(b, ci);
        byte[] c = node(child, depth + 1);
        if (Node.isLeaf(c) && Node.count(c) == 0) {
            alloc.free(child);
            byte[] w = pages.write(page);
            if (count == 0) {
                // The node's only child is gone: it becomes an empty leaf, which its parent frees in turn.
                initEmptyLeafKeepingSize(w);
            } else if (ci == 0) {
                Bytes.i32(w, Node.LINK_AT, Node.child(w, 1));
                Node.remove(w, 0);
            } else {
                Node.remove(w, ci - 1);
            }
            return;
        }
        if (count == 0) return;
        int leftIndex = ci > 0 ? ci - 1 : ci;
        int leftPage = Node.child(b, leftIndex), rightPage = Node.child(b, leftIndex + 1);
        byte[] l = node(leftPage, depth + 1), r = node(rightPage, depth + 1);
        if (l[0] != r[0]) throw new StorageException("corrupt B+tree: siblings " + leftPage + " and " + rightPage + " are of different kinds");
        List<byte[]> merged = Node.cells(l);
        if (!Node.isLeaf(l)) merged.add(Node.interiorCell(Node.key(b, leftIndex), Bytes.i32(r, Node.LINK_AT)));
        merged.addAll(Node.cells(r));
        if (Node.bytesOf(merged, 0, merged.size()) > Node.CAPACITY) return;
        Node.rewrite(pages.write(leftPage), l[0], Bytes.i32(l, Node.LINK_AT), merged);
        alloc.free(rightPage);
        Node.remove(pages.write(page), leftIndex);
    }

    private static void initEmptyLeafKeepingSize(byte[] w) {
        long size = Bytes.i64(w, Node.SIZE_AT);
        initEmptyLeaf(w);
        Bytes.i64(w, Node.SIZE_AT, size);
    }

    /** While the root is an interior node with one child, moves the child's content up into the root. */
    private void collapseRoot() {
        for (int depth = 0; ; depth++) {
            byte[] b = node(root, depth);
            if (Node.isLeaf(b) || Node.count(b) > 0) return;
            int child = Bytes.i32(b, Node.LINK_AT);
            byte[] c = node(child, depth + 1);
            long size = Bytes.i64(b, Node.SIZE_AT);
            byte[] w = pages.write(root);
            System.arraycopy(c, 0, w, 0, Pages.PAGE_SIZE);
            Bytes.i64(w, Node.SIZE_AT, size);
            alloc.free(child);
        }
    }

    private void addToSize(long delta) {
        long size = size() + delta;
        Bytes.i64(pages.write(root), Node.SIZE_AT, size);
    }

    // ---- scans ----

    /** One leaf's worth of a scan: the entries found, and where the next leaf's search starts (null: the scan is done). */
    private record Batch(List<Map.Entry<byte[], byte[]>> entries, byte[] nextBound) {}

    /**
     * Entries of the leaf that covers {@code bound}: ascending, the keys above {@code bound} (at or
     * above if {@code inclusive}) and below {@code to}; descending, the keys below {@code bound}
     * (null: the last leaf) and at or above {@code from}.
     */
    private Batch leafBatch(byte[] bound, boolean inclusive, byte[] from, byte[] to, boolean descending) {
        int page = root;
        byte[] next = null;
        for (int depth = 0; ; depth++) {
            byte[] b = node(page, depth);
            if (Node.isLeaf(b)) {
                List<Map.Entry<byte[], byte[]>> out = new ArrayList<>();
                int n = Node.count(b);
                if (!descending) {
                    int i = bound == null ? 0 : Node.search(b, bound);
                    if (bound != null) i = i >= 0 ? (inclusive ? i : i + 1) : -(i + 1);
                    for (; i < n; i++) {
                        if (to != null && Node.compareKey(b, i, to) >= 0) return new Batch(out, null);
                        out.add(new AbstractMap.SimpleImmutableEntry<>(Node.key(b, i), Node.value(b, i)));
                    }
                    if (next != null && to != null && java.util.Arrays.compareUnsigned(next, to) >= 0) next = null;
                } else {
                    for (int i = Node.keysBelow(b, bound) - 1; i >= 0; i--) {
                        if (from != null && Node.compareKey(b, i, from) < 0) return new Batch(out, null);
                        out.add(new AbstractMap.SimpleImmutableEntry<>(Node.key(b, i), Node.value(b, i)));
                    }
                    if (next != null && from != null && java.util.Arrays.compareUnsigned(next, from) <= 0) next = null;
                }
                return new Batch(out, next);
            }
            int count = Node.count(b);
            int ci;
            if (!descending) {
                ci = Node.keysAtOrBelow(b, bound);
                if (ci < count) next = Node.key(b, ci);
            } else {
                ci = Node.keysBelow(b, bound);
                if (ci > 0) next = Node.key(b, ci - 1);
            }
            page = Node.child(b, ci);
        }
    }

    private final class Scan implements Iterator<Map.Entry<byte[], byte[]>> {
        private final byte[] from, to;
        private final boolean descending;
        private List<Map.Entry<byte[], byte[]>> batch = List.of();
        private int position;
        /** Where the next leaf search starts; {@code inclusive} for the scan's own bound or a separator. */
        private byte[] bound;
        private boolean inclusive;
        private boolean done;

        Scan(byte[] from, byte[] to, boolean descending) {
            this.from = from;
            this.to = to;
            this.descending = descending;
            this.bound = descending ? to : from;
            this.inclusive = !descending;
            if (!descending && from != null && to != null && java.util.Arrays.compareUnsigned(from, to) >= 0) done = true;
            if (descending && from != null && to != null && java.util.Arrays.compareUnsigned(from, to) >= 0) done = true;
        }

        @Override
        public boolean hasNext() {
            if (position < batch.size()) return true;
            // Leaves without a matching entry move the bound strictly on; more such steps than
            // pages means the tree's separators are corrupt.
            for (int steps = 0; !done; steps++) {
                if (steps > pages.pageCount()) throw new StorageException("corrupt B+tree rooted at page " + root + ": scan does not advance");
                Batch found = leafBatch(bound, inclusive, from, to, descending);
                batch = found.entries;
                position = 0;
                if (!batch.isEmpty()) {
                    bound = batch.get(batch.size() - 1).getKey();
                    inclusive = false;
                    return true;
                }
                if (found.nextBound == null) done = true;
                else {
                    bound = found.nextBound;
                    // Ascending, the next leaf starts at the separator; descending, it ends below it.
                    inclusive = !descending;
                }
            }
            return false;
        }

        @Override
        public Map.Entry<byte[], byte[]> next() {
            if (!hasNext()) throw new NoSuchElementException();
            return batch.get(position++);
        }
    }

    // ---- pages ----

    private byte[] node(int page) { return node(page, 0); }

    private byte[] node(int page, int depth) {
        if (depth > MAX_DEPTH) throw new StorageException("corrupt B+tree rooted at page " + root + ": deeper than " + MAX_DEPTH + " levels");
        // Read as whichever node kind the page claims; the allocator rejects any other kind and bad page numbers.
        boolean interior = page >= 1 && page < pages.pageCount() && pages.read(page)[0] == PageKind.INTERIOR;
        byte[] checked = alloc.read(page, interior ? PageKind.INTERIOR : PageKind.LEAF, "B+tree node");
        Node.checkHeader(checked, page);
        return checked;
    }

    private static void checkKey(byte[] key) {
        Objects.requireNonNull(key, "key");
        if (key.length > MAX_KEY_BYTES) throw new IllegalArgumentException("key of " + key.length + " bytes exceeds " + MAX_KEY_BYTES);
    }
}
