package io.bulwark.store.client;

/**
 * The group certified a result, but it is not of the type the caller asked for (a client built from
 * other classes than the replicas, or a wrong result class passed to {@link StoreClient#invoke}).
 * Unlike a {@link GroupUnavailableException} the group answered, and unlike a
 * {@link io.bulwark.store.StoreException} the operation <em>succeeded</em>: its effects are committed.
 */
public final class ResultTypeException extends RuntimeException {
    private final String expected;
    private final String actual;

    public ResultTypeException(String operation, String expected, String actual) {
        super("the certified result of " + operation + " is a " + actual + ", not a " + expected
                + " (the operation was executed; do the client and the replicas run the same classes?)");
        this.expected = expected;
        this.actual = actual;
    }

    /** The class name the caller expected. */
    public String expected() { return expected; }

    /** The class name of the certified result. */
    public String actual() { return actual; }
}
