package io.bulwark.store.access;

import io.bulwark.store.Caller;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.SortedSet;
import java.util.TreeSet;

import static org.junit.jupiter.api.Assertions.*;

/**
 * Role sets are iterated in sorted order everywhere: the JDK's immutable sets iterate in an order
 * randomised per JVM, and anything derived from that order (messages, digests) would differ between replicas.
 */
class RoleOrderTest {
    /** Enough roles that an unsorted set is sorted by chance with negligible probability. */
    private static final List<String> ROLES = names();

    private static List<String> names() {
        List<String> out = new ArrayList<>();
        for (char c = 'a'; c <= 't'; c++) out.add("role-" + c);
        return out;
    }

    @Roles({"role-t", "role-s", "role-r", "role-q", "role-p", "role-o", "role-n", "role-m", "role-l", "role-k",
            "role-j", "role-i", "role-h", "role-g", "role-f", "role-e", "role-d", "role-c", "role-b", "role-a"})
    void guarded() {}

    @Test
    void aCallersRolesIterateSorted() {
        Caller c = new Caller(1, "alice", Set.copyOf(ROLES));
        assertInstanceOf(SortedSet.class, c.roles());
        assertEquals(ROLES, new ArrayList<>(c.roles()));
        assertThrows(UnsupportedOperationException.class, () -> c.roles().add("role-z"));
    }

    @Test
    void aCallerDoesNotShareTheSetItWasGiven() {
        TreeSet<String> given = new TreeSet<>(ROLES);
        Caller c = new Caller(1, "alice", given);
        given.add("role-z");
        assertFalse(c.hasRole("role-z"));
    }

    @Test
    void anOperationsRequiredRolesIterateSorted() throws Exception {
        Access a = Access.of(RoleOrderTest.class.getDeclaredMethod("guarded"));
        Access.AnyRole any = assertInstanceOf(Access.AnyRole.class, a);
        assertInstanceOf(SortedSet.class, any.anyOf());
        assertEquals(ROLES, new ArrayList<>(any.anyOf()));
    }
}
