package io.bulwark.store;

import java.util.Collection;
import java.util.Collections;
import java.util.Objects;
import java.util.SortedSet;
import java.util.TreeSet;

/**
 * The invoker of an operation as the replicas know it: the BFT client whose MACs authenticated the
 * request, mapped to a principal and roles by the replicated access configuration. Never a name the
 * client merely claims.
 * <p>
 * The roles are an unmodifiable sorted set: an operation may iterate them, and the JDK's immutable
 * sets iterate in an order randomised per JVM, which would make replicas disagree.
 */
public record Caller(int clientId, String principal, SortedSet<String> roles) {
    public Caller {
        if (principal == null || principal.isEmpty()) throw new IllegalArgumentException("principal required");
        roles = Collections.unmodifiableSortedSet(new TreeSet<>(Objects.requireNonNull(roles, "roles")));
    }

    /** A caller with {@code roles} in any collection (copied and sorted). */
    public Caller(int clientId, String principal, Collection<String> roles) {
        this(clientId, principal, new TreeSet<>(Objects.requireNonNull(roles, "roles")));
    }

    public boolean hasRole(String role) { return roles.contains(role); }
}
