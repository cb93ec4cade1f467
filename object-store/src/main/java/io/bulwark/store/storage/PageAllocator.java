package io.bulwark.store.storage;

import io.bulwark.store.page.Pages;

import java.util.Arrays;

/**
 * Hands out and takes back pages, with all of its state in the superblock: a high-water mark and a
 * LIFO free list threaded through the free pages. Every structure reads its pages through
 * {@link #read}, which checks that the page is allocated and of the expected kind, so a corrupt
 * pointer surfaces as a {@link StorageException} instead of a misread.
 */
public final class PageAllocator {
    private final Pages pages;

    PageAllocator(Pages pages) {
        this.pages = pages;
    }

    public Pages pages() { return pages; }

    /** A zeroed page whose kind byte is {@code kind}. */
    public int allocate(byte kind) {
        byte[] sb = pages.read(0);
        int head = Bytes.i32(sb, Superblock.FREE_HEAD_AT);
        int highWater = highWater(sb);
        int page;
        if (head != 0) {
            int count = Bytes.i32(sb, Superblock.FREE_COUNT_AT);
            byte[] free = read(head, PageKind.FREE, "free-list head");
            int next = Bytes.i32(free, 1);
            if (count < 1 || (next != 0 && (next < Superblock.FIRST_ALLOCATABLE || next >= highWater)))
                throw new StorageException("corrupt free list: page " + head + " links to " + next + " with " + count + " pages counted");
            byte[] w = pages.write(0);
            Bytes.i32(w, Superblock.FREE_HEAD_AT, next);
            Bytes.i32(w, Superblock.FREE_COUNT_AT, count - 1);
            page = head;
        } else {
            if (highWater >= pages.pageCount())
                throw new StorageException("state full: all " + pages.pageCount() + " pages are in use");
            Bytes.i32(pages.write(0), Superblock.HIGH_WATER_AT, highWater + 1);
            page = highWater;
        }
        byte[] w = pages.write(page);
        Arrays.fill(w, (byte) 0);
        w[0] = kind;
        return page;
    }

    /** Puts an allocated page back on the free list. */
    public void free(int page) {
        byte[] sb = pages.read(0);
        checkAllocated(page, highWater(sb), "freed page");
        if (pages.read(page)[0] == PageKind.FREE) throw new StorageException("page " + page + " freed twice (corrupt structure)");
        int head = Bytes.i32(sb, Superblock.FREE_HEAD_AT);
        int count = Bytes.i32(sb, Superblock.FREE_COUNT_AT);
        byte[] w = pages.write(page);
        Arrays.fill(w, (byte) 0);
        w[0] = PageKind.FREE;
        Bytes.i32(w, 1, head);
        byte[] s = pages.write(0);
        Bytes.i32(s, Superblock.FREE_HEAD_AT, page);
        Bytes.i32(s, Superblock.FREE_COUNT_AT, count + 1);
    }

    /** The page's bytes for reading, after checking that it is allocated and holds {@code kind}. */
    public byte[] read(int page, byte kind, String what) {
        checkAllocated(page, highWater(pages.read(0)), what);
        byte[] b = pages.read(page);
        if (b[0] != kind)
            throw new StorageException(what + " page " + page + " is a " + PageKind.name(b[0]) + " page, expected " + PageKind.name(kind));
        return b;
    }

    /** Like {@link #read} but for writing. */
    public byte[] write(int page, byte kind, String what) {
        read(page, kind, what);
        return pages.write(page);
    }

    /** Pages allocated and not free, the superblock and fixed roots included. */
    public int pagesInUse() {
        byte[] sb = pages.read(0);
        return highWater(sb) - Bytes.i32(sb, Superblock.FREE_COUNT_AT);
    }

    private int highWater(byte[] sb) {
        int hw = Bytes.i32(sb, Superblock.HIGH_WATER_AT);
        if (hw < Superblock.FIRST_ALLOCATABLE || hw > pages.pageCount())
            throw new StorageException("corrupt superblock: high-water mark " + hw + " outside " + Superblock.FIRST_ALLOCATABLE + ".." + pages.pageCount());
        return hw;
    }

    private static void checkAllocated(int page, int highWater, String what) {
        if (page < 1 || page >= highWater)
            throw new StorageException(what + " page " + page + " is outside the allocated pages 1.." + (highWater - 1));
    }
}
