package io.bulwark.store.tx;

import io.bulwark.store.page.Pages;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Base pages in memory for tests, standing for the engine's paged state: pages are allocated on first
 * write, and every write is recorded, so a test can tell that a rolled-back transaction wrote nothing.
 */
final class MemoryPages implements Pages {
    private static final byte[] ZERO = new byte[PAGE_SIZE];
    private final byte[][] pages;
    private final List<Integer> writes = new ArrayList<>();

    MemoryPages(int count) { this.pages = new byte[count][]; }

    @Override
    public int pageCount() { return pages.length; }

    @Override
    public byte[] read(int page) {
        byte[] p = pages[page];
        return p == null ? ZERO : p;
    }

    @Override
    public byte[] write(int page) {
        writes.add(page);
        if (pages[page] == null) pages[page] = new byte[PAGE_SIZE];
        return pages[page];
    }

    /** How many times {@link #write} was called. */
    int writeCount() { return writes.size(); }

    /** A deep copy of every page's bytes. */
    byte[][] snapshot() {
        byte[][] s = new byte[pages.length][];
        for (int i = 0; i < pages.length; i++) s[i] = read(i).clone();
        return s;
    }

    /** Whether every page equals the snapshot's. */
    boolean sameAs(byte[][] snapshot) {
        for (int i = 0; i < pages.length; i++) if (!Arrays.equals(read(i), snapshot[i])) return false;
        return true;
    }

    /** Whether both hold the same bytes in every page. */
    boolean sameAs(MemoryPages other) {
        if (other.pages.length != pages.length) return false;
        for (int i = 0; i < pages.length; i++) if (!Arrays.equals(read(i), other.read(i))) return false;
        return true;
    }
}
