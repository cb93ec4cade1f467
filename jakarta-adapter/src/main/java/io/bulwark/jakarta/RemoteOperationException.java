package io.bulwark.jakarta;

/**
 * The replicas agreed that the operation threw an exception this client cannot re-create: its class is
 * not on the client's class path, is a checked exception the method does not declare, or has no public
 * {@code (String)} constructor. It carries the class name and the message the replicas reported (the
 * message only where the application wrote it: see {@code io.bulwark.store.OperationFailedException}).
 * The operation was rolled back.
 */
public final class RemoteOperationException extends RuntimeException {
    private final String exceptionClass;
    private final String remoteMessage;

    public RemoteOperationException(String exceptionClass, String remoteMessage, Throwable cause) {
        super(exceptionClass + (remoteMessage == null ? "" : ": " + remoteMessage), cause);
        this.exceptionClass = exceptionClass;
        this.remoteMessage = remoteMessage;
    }

    /** The class name of the exception the operation threw on the replicas. */
    public String exceptionClass() { return exceptionClass; }

    /** Its message, or null. */
    public String remoteMessage() { return remoteMessage; }
}
