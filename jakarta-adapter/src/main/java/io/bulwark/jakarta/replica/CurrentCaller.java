package io.bulwark.jakarta.replica;

import io.bulwark.store.Caller;
import jakarta.enterprise.context.Dependent;
import jakarta.enterprise.inject.Typed;

/**
 * Who invoked the running operation (CDI replica mode), as the replicas authenticated it: the BFT client
 * whose MACs checked out, mapped to a principal and roles by the replicated access policy. Never a name
 * the client merely claims.
 */
@Dependent
@Typed(CurrentCaller.class)
public class CurrentCaller {
    /** The caller of the running operation. */
    public Caller get() { return CurrentTx.get().caller(); }

    public String principal() { return get().principal(); }

    public boolean hasRole(String role) { return get().hasRole(role); }

    public int clientId() { return get().clientId(); }
}
