package io.bulwark.store;

import java.util.List;

/**
 * Bean Validation found entities the operation touched (or the arguments it was called with) breaking
 * their declared invariants; the operation was rolled back. Each violation names the entity (or the
 * operation), the property path and the message. A reply has a size limit: when the violations do
 * not all fit, the first ones are carried and {@link #omitted} counts the others.
 */
public final class ValidationException extends StoreException {
    /** One broken constraint: {@code entity} is the entity (or operation) name, {@code path} the property path. */
    public record Violation(String entity, String path, String message) {}

    private final List<Violation> violations;
    private final int omitted;

    public ValidationException(List<Violation> violations) { this(violations, 0); }

    /** @param omitted how many further violations were found but left out (to fit a reply) */
    public ValidationException(List<Violation> violations, int omitted) {
        super(describe(violations, omitted));
        if (omitted < 0) throw new IllegalArgumentException("omitted violations must be >= 0, got " + omitted);
        this.violations = List.copyOf(violations);
        this.omitted = omitted;
    }

    public List<Violation> violations() { return violations; }

    /** How many violations were found beyond {@link #violations} but left out of the reply. */
    public int omitted() { return omitted; }

    private static String describe(List<Violation> vs, int omitted) {
        StringBuilder b = new StringBuilder("constraint violations:");
        for (Violation v : vs) b.append(' ').append(v.entity()).append('.').append(v.path()).append(": ").append(v.message()).append(';');
        if (omitted > 0) b.append(" and ").append(omitted).append(" more");
        return b.toString();
    }
}
