package io.bulwark.store;

/**
 * The operation's own code threw: the transaction was rolled back. Carries the exception's class name
 * and message, which are the same at every correct replica when the operation is deterministic.
 */
public final class OperationFailedException extends StoreException {
    private final String exceptionClass;

    public OperationFailedException(String exceptionClass, String message) {
        super(exceptionClass + (message == null ? "" : ": " + message));
        this.exceptionClass = exceptionClass;
    }

    public String exceptionClass() { return exceptionClass; }
}
