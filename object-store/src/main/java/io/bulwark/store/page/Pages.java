package io.bulwark.store.page;

/**
 * The 4 KB pages a storage structure (heap, B+tree, catalog) works on: the service's replicated
 * {@link io.bulwark.bft.service.PagedState}, or a transaction's private overlay of it.
 * <p>
 * Every structure reads through {@link #read} and writes only into arrays it got from
 * {@link #write}, so the layer underneath knows exactly which pages an operation changed: the
 * overlay to throw them away on abort, the paged state to copy-on-write them for the checkpoint
 * (section 4.6.2 of the paper).
 */
public interface Pages {
    int PAGE_SIZE = 4096;

    int pageCount();

    /** The page's bytes, for reading only: writing into the returned array is a bug. */
    byte[] read(int page);

    /** The page's bytes, for writing: announces that the caller is about to change it. */
    byte[] write(int page);
}
