package io.bulwark.store.operation;

import io.bulwark.store.Tx;

/**
 * How an operation method that does not take the {@link Tx} as its first parameter reaches it: the
 * store enters the scope with the operation's transaction before invoking the method and closes it
 * after, on the same (execution) thread.
 */
@FunctionalInterface
public interface TxScope {
    /** Makes {@code tx} the current transaction until the returned scope is closed. */
    Entered enter(Tx tx);

    /** An entered scope; closing it never throws. */
    interface Entered extends AutoCloseable {
        @Override void close();
    }
}
