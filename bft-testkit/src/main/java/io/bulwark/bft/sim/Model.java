package io.bulwark.bft.sim;

import java.util.List;

/**
 * A sequential specification for {@link LinearizabilityChecker}: a deterministic state machine over
 * operation inputs. States must have value equality ({@code equals}/{@code hashCode}): the checker
 * memoizes (operations linearized, state) configurations.
 */
public interface Model<S> {
    S init();

    /**
     * The state after {@code input} in {@code state}, if the operation could have returned
     * {@code output} there; null if not. {@code output} is null for a pending operation: it may
     * have taken effect with whatever output the specification gives.
     */
    S step(S state, Object input, Object output);

    /** Whether a pending operation with this input can be left out (it changes nothing, e.g. a read). */
    default boolean readOnly(Object input) { return false; }

    /**
     * For shrinking a witness: {@code kept} (a subset of {@code all}) with whatever else must go so
     * that a linearization of {@code all} restricts to one of the result (then the result has no
     * linearization only if {@code all} has none); null when the model cannot say (no shrinking).
     */
    default List<History.Op> closure(List<History.Op> kept, List<History.Op> all) { return null; }
}
