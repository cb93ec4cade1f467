package io.bulwark.store.access;

import java.lang.reflect.Method;
import java.util.Set;
import java.util.TreeSet;

/**
 * What an operation requires of its caller, read from its {@link Roles} / {@link PermitAll}
 * declarations. Deny by default: an operation that declares nothing (neither on the method nor on
 * its class) is {@link DenyAll}.
 */
public sealed interface Access {

    /** Whether a caller with these roles (any principal) may invoke the operation. */
    boolean allows(Set<String> callerRoles);

    /** Everyone, including the anonymous principal. */
    record Everyone() implements Access {
        @Override public boolean allows(Set<String> callerRoles) { return true; }
        @Override public String toString() { return "@PermitAll"; }
    }

    /** A caller holding at least one of {@code anyOf}. */
    record AnyRole(Set<String> anyOf) implements Access {
        public AnyRole {
            if (anyOf.isEmpty()) throw new IllegalArgumentException("@Roles needs at least one role");
            for (String r : anyOf) AccessPolicy.checkName("role", r);
            anyOf = Set.copyOf(new TreeSet<>(anyOf));
        }

        @Override public boolean allows(Set<String> callerRoles) {
            for (String r : anyOf) if (callerRoles.contains(r)) return true;
            return false;
        }

        @Override public String toString() { return "@Roles" + new TreeSet<>(anyOf); }
    }

    /** Nobody: the operation declared no access rule. */
    record DenyAll() implements Access {
        @Override public boolean allows(Set<String> callerRoles) { return false; }
        @Override public String toString() { return "no @Roles or @PermitAll (denied by default)"; }
    }

    /**
     * The requirement of {@code method}: its own declaration, else its declaring class's, else
     * {@link DenyAll}. Declaring both {@link Roles} and {@link PermitAll} on one element is ambiguous
     * and rejected.
     */
    static Access of(Method method) {
        Access own = declared(method.getAnnotation(Roles.class), method.isAnnotationPresent(PermitAll.class), "method " + method.getName());
        if (own != null) return own;
        Class<?> type = method.getDeclaringClass();
        Access inherited = declared(type.getAnnotation(Roles.class), type.isAnnotationPresent(PermitAll.class), "class " + type.getName());
        return inherited != null ? inherited : new DenyAll();
    }

    private static Access declared(Roles roles, boolean permitAll, String where) {
        if (roles != null && permitAll) throw new IllegalArgumentException(where + " declares both @Roles and @PermitAll");
        if (permitAll) return new Everyone();
        if (roles == null) return null;
        try {
            return new AnyRole(Set.of(roles.value()));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(where + ": " + e.getMessage(), e);
        }
    }
}
