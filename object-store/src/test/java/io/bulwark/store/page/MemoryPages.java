package io.bulwark.store.page;

import java.util.ArrayList;
import java.util.List;

/** Pages in an array, recording every {@link #write} call: the fake the storage tests run on. */
public final class MemoryPages implements Pages {
    private final byte[][] pages;
    private final List<Integer> writes = new ArrayList<>();

    public MemoryPages(int count) {
        pages = new byte[count][PAGE_SIZE];
    }

    /** Pages holding copies of {@code content} (a {@link #snapshot}). */
    public MemoryPages(byte[][] content) {
        pages = new byte[content.length][];
        for (int i = 0; i < content.length; i++) pages[i] = content[i].clone();
    }

    @Override
    public int pageCount() { return pages.length; }

    @Override
    public byte[] read(int page) { return pages[page]; }

    @Override
    public byte[] write(int page) {
        writes.add(page);
        return pages[page];
    }

    /** Every page written, in call order, since the last {@link #clearWrites}. */
    public List<Integer> writes() { return List.copyOf(writes); }

    public void clearWrites() { writes.clear(); }

    /** A deep copy of all page bytes. */
    public byte[][] snapshot() {
        byte[][] copy = new byte[pages.length][];
        for (int i = 0; i < pages.length; i++) copy[i] = pages[i].clone();
        return copy;
    }
}
