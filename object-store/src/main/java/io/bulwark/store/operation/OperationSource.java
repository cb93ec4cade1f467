package io.bulwark.store.operation;

import java.util.List;

/**
 * An operation object that describes its operations itself instead of by {@link Operation} methods
 * taking a {@link io.bulwark.store.Tx} first: an adapter (the Jakarta adapter's {@code @Replicated}
 * beans) whose methods take only their arguments and reach the transaction through a {@link TxScope}.
 * {@link OperationRegistry} registers what {@link #operations} returns under the same rules (names
 * unique, at most {@link OperationRegistry#MAX_ARGUMENTS} arguments).
 */
public interface OperationSource {
    /** The operations, each with its {@link OperationMethod#txScope} set. */
    List<OperationMethod> operations();
}
