package io.bulwark.jakarta;

/**
 * The replicas offer no operation of this name: the client's contract is not the one the replicas run
 * (another version of the interface, a method added on one side only). The replicas agreed on this
 * answer and executed nothing.
 */
public final class UnknownOperationException extends RuntimeException {
    private final String operation;

    public UnknownOperationException(String operation, String signature, Throwable cause) {
        super("the replicas offer no operation " + operation + " (" + signature + "): do the client and the replicas run the same "
                + "version of the contract?", cause);
        this.operation = operation;
    }

    /** The operation name the client sent. */
    public String operation() { return operation; }
}
