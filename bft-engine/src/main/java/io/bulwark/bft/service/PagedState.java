package io.bulwark.bft.service;

import io.bulwark.bft.crypto.Digest;
import io.bulwark.bft.crypto.Digests;
import java.util.BitSet;

/**
 * The service state as a region of fixed-size pages (4 KB by default), as in the paper's Figure 4.
 * The service reads pages freely and calls {@link #modify(int)} before writing one; the engine
 * digests the state at checkpoints.
 * <p>
 * The checkpoint digest here is a digest over per-page digests (index, value), re-hashing only the
 * pages modified since the last checkpoint. The partition tree (section 4.6.2) replaces it later
 * behind the same interface.
 */
public final class PagedState {
    private final int pageSize;
    private final byte[][] pages;
    private final Digest[] pageDigests;
    private final BitSet dirty;

    public PagedState(int pageCount, int pageSize) {
        if (pageCount < 1) throw new IllegalArgumentException("at least one page");
        if (pageSize < 64) throw new IllegalArgumentException("page size too small");
        this.pageSize = pageSize;
        this.pages = new byte[pageCount][pageSize];
        this.pageDigests = new Digest[pageCount];
        this.dirty = new BitSet(pageCount);
        dirty.set(0, pageCount);
    }

    public int pageCount() { return pages.length; }

    public int pageSize() { return pageSize; }

    /** The page's bytes, for reading. Writing to it without {@link #modify} first is a bug. */
    public byte[] read(int page) { return pages[checkIndex(page)]; }

    /** Announces that the service is about to change {@code page} and returns it for writing. */
    public byte[] modify(int page) {
        dirty.set(checkIndex(page));
        return pages[page];
    }

    /** The digest of the whole state; cost proportional to the pages modified since the last call. */
    public Digest digest() {
        for (int i = dirty.nextSetBit(0); i >= 0; i = dirty.nextSetBit(i + 1)) {
            pageDigests[i] = Digests.hasher().putInt(i).put(pages[i]).done();
        }
        dirty.clear();
        Digests.Hasher h = Digests.hasher().putInt(pages.length).putInt(pageSize);
        for (Digest d : pageDigests) h.put(d);
        return h.done();
    }

    private int checkIndex(int page) {
        if (page < 0 || page >= pages.length)
            throw new IndexOutOfBoundsException("page " + page + " outside state of " + pages.length + " pages");
        return page;
    }
}
