package io.bulwark.store.codec;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

/** What of an exception may reach a reply (issue 19): only texts that are the same at every correct replica. */
class FailureTextTest {
    static final class AppFailure extends RuntimeException {
        AppFailure(String m) { super(m); }
    }

    @Test
    void jvmAndLibraryMessagesAreDroppedTheStoresAndTheApplicationsKept() {
        assertEquals("java.lang.NullPointerException", FailureText.of(new NullPointerException("Cannot invoke \"String.length()\"")));
        assertEquals("java.lang.NumberFormatException", FailureText.of(new NumberFormatException("For input string: \"x\"")));
        assertEquals("jakarta.validation.ValidationException",
                FailureText.of(new jakarta.validation.ValidationException("HV000028: Unexpected exception: Probe$Key@5aebe890")));
        assertEquals("com.esotericsoftware.kryo.KryoException", FailureText.of(new com.esotericsoftware.kryo.KryoException("x@1234")));
        assertEquals("java.lang.IllegalArgumentException: amount must be positive",
                FailureText.of(new IllegalArgumentException("amount must be positive")));
        assertEquals(AppFailure.class.getName() + ": insufficient funds", FailureText.of(new AppFailure("insufficient funds")));
    }
}
