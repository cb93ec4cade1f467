package io.bulwark.store;

/**
 * The operation's own code threw (or, rarely, the store's machinery did): the transaction was rolled
 * back. Carries the exception's class name and, where the application wrote it, its message.
 * <p>
 * Every correct replica must send the same reply, so the message is kept only where it is the
 * application's ({@link #of}): for {@link IllegalArgumentException} and {@link IllegalStateException}
 * themselves (the exceptions an operation throws to refuse a request) and for exception classes that
 * are not the JDK's (the application's own, a library's, the store's). For every other JDK exception
 * (NullPointerException, ClassCastException, ArithmeticException, IndexOutOfBoundsException, ...) only
 * the class name is kept: the JVM writes those messages, and they depend on its flags, its class
 * loaders and the JIT (which may throw a preallocated exception with no message at all). Messages an
 * operation writes must be deterministic: no identity hash codes, clock readings or default
 * {@code toString()}s of objects.
 */
public final class OperationFailedException extends StoreException {
    private final String exceptionClass;

    public OperationFailedException(String exceptionClass, String message) {
        super(exceptionClass + (message == null ? "" : ": " + message));
        this.exceptionClass = exceptionClass;
    }

    /** The failure reported for {@code thrown}, with its message only where the application wrote it. */
    public static OperationFailedException of(Throwable thrown) {
        return new OperationFailedException(thrown.getClass().getName(), io.bulwark.store.codec.FailureText.ownMessage(thrown));
    }

    public String exceptionClass() { return exceptionClass; }
}
