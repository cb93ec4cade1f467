package io.bulwark.store;

import java.util.Set;

/**
 * The invoker of an operation as the replicas know it: the BFT client whose MACs authenticated the
 * request, mapped to a principal and roles by the replicated access configuration. Never a name the
 * client merely claims.
 */
public record Caller(int clientId, String principal, Set<String> roles) {
    public Caller {
        if (principal == null || principal.isEmpty()) throw new IllegalArgumentException("principal required");
        roles = Set.copyOf(roles);
    }

    public boolean hasRole(String role) { return roles.contains(role); }
}
