package io.bulwark.jakarta.replica;

import io.bulwark.store.Tx;
import io.bulwark.store.operation.TxScope;

/**
 * The transaction of the replicated operation running on this thread (the replica's execution
 * thread), which the injectable helpers ({@link ReplicaTx}, {@link AgreedClock}, {@link CurrentCaller})
 * delegate to. A nested call of another replicated bean runs in the same transaction.
 */
public final class CurrentTx {
    private static final ThreadLocal<Tx> CURRENT = new ThreadLocal<>();
    /** The scope the store enters around every operation of a replicated bean. */
    public static final TxScope SCOPE = CurrentTx::enter;

    private CurrentTx() {}

    /** The current transaction; IllegalStateException outside a replicated operation. */
    public static Tx get() {
        Tx tx = CURRENT.get();
        if (tx == null)
            throw new IllegalStateException("no replicated operation is running on this thread: the transaction, the caller and the agreed "
                    + "clock exist only while a replica executes an operation of a @Replicated bean");
        return tx;
    }

    /** Whether an operation is running on this thread. */
    public static boolean active() { return CURRENT.get() != null; }

    static TxScope.Entered enter(Tx tx) {
        Tx previous = CURRENT.get();
        CURRENT.set(tx);
        return () -> {
            if (previous == null) CURRENT.remove();
            else CURRENT.set(previous);
        };
    }
}
