package io.bulwark.store.operation;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.bulwark.store.BadRequestException;
import io.bulwark.store.NotFoundException;
import io.bulwark.store.OperationFailedException;
import io.bulwark.store.Tx;
import io.bulwark.store.access.Access;
import io.bulwark.store.access.PermitAll;
import io.bulwark.store.access.Roles;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class OperationRegistryTest {

    @Roles("teller")
    public static class Teller {
        @Operation
        public long add(Tx tx, long a, Long b) { return a + b; }

        @Operation(name = "bank.echo", readOnly = true)
        @PermitAll
        public String echo(Tx tx, String s) { return s; }

        @Operation
        @Roles({"admin", "auditor"})
        public void nothing(Tx tx) {}

        @Operation
        public Object missing(Tx tx, String id) { throw new NotFoundException("no " + id); }

        @Operation
        public Object broken(Tx tx) { throw new IllegalStateException("invariant of my own"); }

        @Operation
        public Object checked(Tx tx) throws Exception { throw new java.io.IOException(); }

        public long notAnOperation(Tx tx) { return 0; }
    }

    public static class Open {
        @Operation
        public int undeclared(Tx tx) { return 1; }
    }

    @Test
    void registersAnnotatedMethodsWithNamesModesAndAccess() {
        OperationRegistry r = OperationRegistry.of(new Teller(), new Open());
        assertEquals(List.of("add", "bank.echo", "broken", "checked", "missing", "nothing", "undeclared"), List.copyOf(r.operations().keySet()));
        OperationMethod add = r.lookup("add");
        assertFalse(add.readOnly());
        assertEquals(new Access.AnyRole(Set.of("teller")), add.access(), "class-level @Roles applies");
        assertEquals(List.of(long.class, Long.class), add.parameterTypes());
        assertEquals(Long.class, add.argumentType(0));
        assertTrue(r.lookup("bank.echo").readOnly());
        assertInstanceOf(Access.Everyone.class, r.lookup("bank.echo").access(), "method-level @PermitAll overrides the class");
        assertEquals(new Access.AnyRole(Set.of("admin", "auditor")), r.lookup("nothing").access());
        assertInstanceOf(Access.DenyAll.class, r.lookup("undeclared").access(), "no declaration: denied by default");
    }

    @Test
    void invokesWithCheckedArgumentsAndMapsExceptions() {
        OperationRegistry r = OperationRegistry.of(new Teller());
        assertEquals(5L, r.lookup("add").invoke(null, 2L, 3L));
        assertNull(r.lookup("nothing").invoke(null));
        assertThrows(NotFoundException.class, () -> r.lookup("missing").invoke(null, "x"), "a StoreException passes through as is");
        OperationFailedException f = assertThrows(OperationFailedException.class, () -> r.lookup("broken").invoke(null));
        assertEquals(IllegalStateException.class.getName(), f.exceptionClass());
        assertTrue(f.getMessage().endsWith("invariant of my own"));
        assertEquals("java.io.IOException", assertThrows(OperationFailedException.class, () -> r.lookup("checked").invoke(null)).exceptionClass());
    }

    @Test
    void rejectsArgumentsThatDoNotFitAsBadRequests() {
        OperationMethod add = OperationRegistry.of(new Teller()).lookup("add");
        assertMessage(assertThrows(BadRequestException.class, () -> add.invoke(null, 1L)), "takes 2 argument(s), got 1");
        assertMessage(assertThrows(BadRequestException.class, () -> add.invoke(null, 1L, 2L, 3L)), "got 3");
        assertMessage(assertThrows(BadRequestException.class, () -> add.invoke(null, "1", 2L)), "must be a long, got java.lang.String");
        assertMessage(assertThrows(BadRequestException.class, () -> add.invoke(null, 1, 2L)), "got java.lang.Integer");
        assertMessage(assertThrows(BadRequestException.class, () -> add.invoke(null, null, 2L)), "is null but must be a long");
        assertMessage(assertThrows(OperationFailedException.class, () -> add.invoke(null, 1L, null)), "NullPointerException");
        BadRequestException unknown = assertThrows(BadRequestException.class, () -> OperationRegistry.of(new Teller()).lookup("steal"));
        assertMessage(unknown, "unknown operation 'steal'");
    }

    public static class NoTx { @Operation @PermitAll public void op(String s) {} }
    public static class TxNotFirst { @Operation @PermitAll public void op(String s, Tx tx) {} }
    public static class Static { @Operation @PermitAll public static void op(Tx tx) {} }
    public static class Private { @Operation @PermitAll void op(Tx tx) {} }
    public static class BadName { @Operation(name = "has space") @PermitAll public void op(Tx tx) {} }
    public static class Both { @Operation @PermitAll @Roles("x") public void op(Tx tx) {} }
    public static class EmptyRoles { @Operation @Roles({}) public void op(Tx tx) {} }
    public static class DupA { @Operation(name = "same") @PermitAll public void a(Tx tx) {} }
    public static class DupB { @Operation(name = "same") @PermitAll public void b(Tx tx) {} }

    @Test
    void rejectsMalformedDeclarationsNamingClassAndMethod() {
        assertDecl(new NoTx(), "NoTx.op", "first parameter");
        assertDecl(new TxNotFirst(), "TxNotFirst.op", "first parameter");
        assertDecl(new Static(), "Static.op", "public instance method");
        assertDecl(new Private(), "Private.op", "public instance method");
        assertDecl(new BadName(), "BadName.op", "operation name 'has space'");
        assertDecl(new Both(), "Both.op", "both @Roles and @PermitAll");
        assertDecl(new EmptyRoles(), "EmptyRoles.op", "at least one role");
        IllegalArgumentException dup = assertThrows(IllegalArgumentException.class, () -> OperationRegistry.of(new DupA(), new DupB()));
        assertMessage(dup, "'same' is declared by both");
        assertThrows(IllegalArgumentException.class, () -> OperationRegistry.of(new Teller(), new Teller()), "the same object twice: names clash");
    }

    private static void assertDecl(Object target, String where, String why) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> OperationRegistry.of(target));
        assertMessage(e, where);
        assertMessage(e, why);
    }

    private static void assertMessage(Exception e, String fragment) {
        assertTrue(e.getMessage().contains(fragment), "'" + e.getMessage() + "' should contain '" + fragment + "'");
    }
}
