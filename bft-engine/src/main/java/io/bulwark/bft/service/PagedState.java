package io.bulwark.bft.service;

/**
 * The service state as a region of 4 KB pages, as in the paper's Figure 4: a window onto the
 * replica's pages ({@link Pages}, the partition tree). The service reads pages freely and calls {@link #modify(int)}
 * before writing one, so that checkpoints (copy-on-write), digests and state transfer cover exactly
 * what it changed (section 4.6.2).
 */
public final class PagedState {
    private final Pages tree;
    private final int first;
    private final int count;

    /** Pages {@code first .. first + count - 1} of {@code tree}, seen as pages 0 .. count - 1. */
    public PagedState(Pages tree, int first, int count) {
        if (count < 1) throw new IllegalArgumentException("at least one page");
        if (first < 0 || first > tree.pageCount() - count)
            throw new IllegalArgumentException("pages " + first + "+" + count + " outside a tree of " + tree.pageCount());
        this.tree = tree;
        this.first = first;
        this.count = count;
    }

    public int pageCount() { return count; }

    public int pageSize() { return tree.pageSize(); }

    /** The page's bytes, for reading. Writing to it without {@link #modify} first is a bug. */
    public byte[] read(int page) { return tree.read(first + checkIndex(page)); }

    /** Announces that the service is about to change {@code page} and returns it for writing. */
    public byte[] modify(int page) { return tree.modify(first + checkIndex(page)); }

    private int checkIndex(int page) {
        if (page < 0 || page >= count)
            throw new IndexOutOfBoundsException("page " + page + " outside state of " + count + " pages");
        return page;
    }
}
