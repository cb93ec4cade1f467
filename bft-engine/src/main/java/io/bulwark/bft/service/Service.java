package io.bulwark.bft.service;

/**
 * The replicated service: the upcall side of the paper's Figure 4, in Java.
 * <p>
 * The service keeps all of its state in the {@link PagedState} it is given in {@link #init}, and
 * calls {@link PagedState#modify} before changing a page, so that checkpoints, digests and state
 * transfer cover exactly its state. {@link #execute} must be deterministic: the same operations on
 * the same state with the same non-deterministic input give the same result and the same pages at
 * every replica. Time and randomness may come only from {@code nonDet}.
 */
public interface Service {

    /** Called once, before any execution, with the region that holds the whole service state. */
    void init(PagedState state);

    /**
     * Executes one operation.
     *
     * @param operation the client's operation bytes
     * @param client    the authenticated client principal that sent it
     * @param nonDet    non-deterministic input agreed in the pre-prepare (empty for read-only requests)
     * @param readOnly  true for a read-only request: it must not modify the state
     * @return the result bytes (never null)
     */
    byte[] execute(byte[] operation, int client, byte[] nonDet, boolean readOnly);

    /**
     * State transfer (section 4.6.2) replaced the pages with a later checkpoint's: anything the
     * service derived from them (caches, in-memory indexes) must be rebuilt from the pages.
     */
    default void stateReplaced() {}
}
