package io.bulwark.bft.service;

/**
 * What a {@link PagedState} is a window onto: numbered pages of one fixed size, read freely and
 * announced before each write ({@link #modify}). The replica's partition tree
 * ({@code state.PartitionTree}) implements it; the service interface only needs this much, so it
 * does not depend on how the state is checkpointed, digested or transferred.
 */
public interface Pages {
    int pageCount();

    /** Bytes per page (4 KB in the engine's tree, section 4.6.2). */
    int pageSize();

    /** The page's bytes, for reading. */
    byte[] read(int page);

    /** Announces that {@code page} is about to change and returns it for writing. */
    byte[] modify(int page);
}
