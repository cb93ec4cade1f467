package io.bulwark.store;

import java.util.List;

/**
 * Bean Validation found entities the operation touched breaking their declared invariants; the
 * operation was rolled back. Each violation names the entity, the property path and the message.
 */
public final class ValidationException extends StoreException {
    /** One broken constraint: {@code entity} is the entity name, {@code path} the property path. */
    public record Violation(String entity, String path, String message) {}

    private final List<Violation> violations;

    public ValidationException(List<Violation> violations) {
        super(describe(violations));
        this.violations = List.copyOf(violations);
    }

    public List<Violation> violations() { return violations; }

    private static String describe(List<Violation> vs) {
        StringBuilder b = new StringBuilder("constraint violations:");
        for (Violation v : vs) b.append(' ').append(v.entity()).append('.').append(v.path()).append(": ").append(v.message()).append(';');
        return b.toString();
    }
}
