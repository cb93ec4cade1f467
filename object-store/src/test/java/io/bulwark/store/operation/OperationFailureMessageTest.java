package io.bulwark.store.operation;

import io.bulwark.store.OperationFailedException;
import io.bulwark.store.Tx;
import io.bulwark.store.access.PermitAll;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.*;

/**
 * A failure reply carries an exception's message only where the application wrote it: the JVM's own
 * messages (helpful NullPointerException text, class loader names in ClassCastException, none at all
 * once the JIT throws a preallocated exception) can differ between replicas, and then no f+1 replies match.
 */
class OperationFailureMessageTest {
    /** An application's own exception type: its message is the application's. */
    public static class InsufficientFunds extends RuntimeException {
        public InsufficientFunds(String message) { super(message); }
    }

    @PermitAll
    public static class Failing {
        @Operation public int npe(Tx tx, String s) { return s.length(); }
        @Operation public String cce(Tx tx, Object o) { return (String) o; }
        @Operation public int divide(Tx tx, int a, int b) { return a / b; }
        @Operation public int index(Tx tx, int i) { int[] one = new int[1]; return one[i]; }
        @Operation public Object immutable(Tx tx) { return List.of().add(null); }
        @Operation public Object noSuchKey(Tx tx) { return Map.of().entrySet().iterator().next(); }
        @Operation public Object argument(Tx tx) { throw new IllegalArgumentException("amount must be positive: -5"); }
        @Operation public Object state(Tx tx) { throw new IllegalStateException("account closed"); }
        @Operation public Object own(Tx tx) { throw new InsufficientFunds("balance 3 < 5"); }
        @Operation public Object number(Tx tx) { return Integer.parseInt("x"); }
    }

    private final OperationRegistry registry = OperationRegistry.of(new Failing());

    private OperationFailedException fail(String op, Object... args) {
        return assertThrows(OperationFailedException.class, () -> registry.lookup(op).invoke(null, args));
    }

    @Test
    void jvmGeneratedMessagesAreLeftOut() {
        assertEquals(NullPointerException.class.getName(), fail("npe", (Object) null).getMessage());
        assertEquals(ClassCastException.class.getName(), fail("cce", 1).getMessage());
        assertEquals(ArithmeticException.class.getName(), fail("divide", 1, 0).getMessage());
        assertEquals(ArrayIndexOutOfBoundsException.class.getName(), fail("index", 5).getMessage());
        assertEquals(UnsupportedOperationException.class.getName(), fail("immutable").getMessage());
        assertEquals(java.util.NoSuchElementException.class.getName(), fail("noSuchKey").getMessage());
        assertEquals(NumberFormatException.class.getName(), fail("number").getMessage(), "a JDK subclass of IllegalArgumentException");
        assertEquals(NullPointerException.class.getName(), fail("npe", (Object) null).exceptionClass());
    }

    @Test
    void applicationMessagesAreKept() {
        assertEquals("java.lang.IllegalArgumentException: amount must be positive: -5", fail("argument").getMessage());
        assertEquals("java.lang.IllegalStateException: account closed", fail("state").getMessage());
        OperationFailedException own = fail("own");
        assertEquals(InsufficientFunds.class.getName(), own.exceptionClass());
        assertEquals(InsufficientFunds.class.getName() + ": balance 3 < 5", own.getMessage());
    }

    @Test
    void theRuleByClass() {
        assertEquals("java.lang.IllegalStateException: x", OperationFailedException.of(new IllegalStateException("x")).getMessage());
        assertEquals("java.lang.NullPointerException", OperationFailedException.of(new NullPointerException("x")).getMessage());
        assertEquals("java.lang.IllegalArgumentException", OperationFailedException.of(new IllegalArgumentException()).getMessage());
    }
}
