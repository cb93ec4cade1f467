package io.bulwark.store.page;

import java.util.Arrays;
import java.util.Collections;
import java.util.SortedSet;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * A transaction's private copy-on-write view of a base {@link Pages}: reads see the overlay's copy
 * of a page once it was written, else the base; the first {@link #write} of a page copies the base
 * page. Nothing reaches the base until {@link #commit}, which writes through only the pages whose
 * bytes really differ, so the engine's {@code modify} is called for exactly the pages that changed
 * (a structure that rewrote a page with identical bytes costs the checkpoint nothing).
 * <p>
 * Not thread-safe: one transaction, one thread. Copies are kept in a sorted map so that commit
 * visits pages in ascending order on every replica.
 */
public final class PageOverlay implements Pages {
    private final Pages base;
    /** Every read and write is one unit of the operation's work (deterministic: no cache sits in between). */
    private final io.bulwark.store.work.WorkMeter meter;
    private final TreeMap<Integer, byte[]> copies = new TreeMap<>();
    private boolean closed;

    public PageOverlay(Pages base) { this(base, null); }

    /** An overlay that charges every page read and write to {@code meter} (null: none). */
    public PageOverlay(Pages base, io.bulwark.store.work.WorkMeter meter) {
        if (base == null) throw new IllegalArgumentException("base pages are null");
        this.base = base;
        this.meter = meter;
    }

    @Override
    public int pageCount() { return base.pageCount(); }

    @Override
    public byte[] read(int page) {
        checkOpen();
        if (meter != null) meter.page();
        byte[] copy = copies.get(page);
        return copy != null ? copy : base.read(page);
    }

    @Override
    public byte[] write(int page) {
        checkOpen();
        if (meter != null) meter.page();
        byte[] copy = copies.get(page);
        if (copy == null) {
            byte[] original = base.read(page);
            if (original.length != PAGE_SIZE)
                throw new IllegalStateException("base page " + page + " has " + original.length + " bytes, not " + PAGE_SIZE);
            copy = original.clone();
            copies.put(page, copy);
        }
        return copy;
    }

    /**
     * A committing child overlay hands its copy of {@code page} over instead of having it copied again:
     * the child is closed by its commit and never touches the array after, and the child's commit has
     * already read the page through this overlay (which checks its number). Same effect as a
     * {@link #write} of the page followed by copying {@code bytes} into it, without the two copies.
     */
    private void adopt(int page, byte[] bytes) {
        checkOpen();
        if (meter != null) meter.page();
        copies.put(page, bytes);
    }

    /** The pages written through this overlay so far (whether or not their bytes differ from the base). */
    public SortedSet<Integer> writtenPages() {
        return Collections.unmodifiableSortedSet(new TreeSet<>(copies.keySet()));
    }

    /**
     * Copies every written page whose bytes differ from the base into the base, announcing each with
     * {@code base.write}, and closes the overlay.
     *
     * @return how many pages were written to the base
     */
    public int commit() {
        checkOpen();
        int changed = 0;
        PageOverlay parent = base instanceof PageOverlay p ? p : null;
        for (var e : copies.entrySet()) {
            int page = e.getKey();
            byte[] mine = e.getValue();
            if (Arrays.equals(mine, base.read(page))) continue;
            if (parent != null) parent.adopt(page, mine);
            else System.arraycopy(mine, 0, base.write(page), 0, PAGE_SIZE);
            changed++;
        }
        close();
        return changed;
    }

    /** Drops every copy: the base is untouched. The overlay cannot be used afterwards. */
    public void discard() {
        checkOpen();
        close();
    }

    private void close() {
        copies.clear();
        closed = true;
    }

    private void checkOpen() {
        if (closed) throw new IllegalStateException("overlay already committed or discarded");
    }
}
