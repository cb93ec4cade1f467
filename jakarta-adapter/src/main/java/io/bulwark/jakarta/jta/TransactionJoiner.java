package io.bulwark.jakarta.jta;

/**
 * Makes the store join the caller's JTA transaction, if one is active on the calling thread, before a
 * proxy's call is sent. Free of JTA types, so that a client without the JTA API on its class path
 * loads it ({@link #NONE}).
 */
public interface TransactionJoiner {
    /** No transaction manager: calls are never part of a global transaction (a branch started by hand still is). */
    TransactionJoiner NONE = io.bulwark.store.client.StoreXAResource.Call::run;

    /**
     * Runs a proxy's call inside the store's branch of the current thread's transaction if one is active
     * (enlisting the store's XAResource in it at its first call), else outside any branch; throws
     * {@link IllegalStateException} if the transaction can no longer do work (marked for rollback,
     * completing) or the enlistment is refused.
     */
    Object call(io.bulwark.store.client.StoreXAResource.Call<Object> call) throws Throwable;

    /** Whether the JTA API is on the class path of this class. */
    static boolean jtaPresent() {
        try {
            Class.forName("jakarta.transaction.TransactionManager", false, TransactionJoiner.class.getClassLoader());
            return true;
        } catch (ClassNotFoundException | LinkageError e) {
            return false;
        }
    }
}
