package io.bulwark.store.xa;

/**
 * Which XA branch, if any, the current thread's store calls belong to (a transaction manager associates a
 * branch with a thread between {@code XAResource.start} and {@code end}). A {@code io.bulwark.store.client.StoreClient}
 * given one sends every call made while a branch is associated as a call inside that branch.
 */
public interface BranchContext {
    /** The branch associated with the current thread, or null. */
    BranchXid current();

    /**
     * A call inside {@code xid} got no certified answer: it may or may not be recorded in the branch, and
     * its caller was told it failed, so the branch must not commit.
     */
    void inDoubt(BranchXid xid);
}
