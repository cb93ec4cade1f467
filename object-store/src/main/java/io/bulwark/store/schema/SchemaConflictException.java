package io.bulwark.store.schema;

/**
 * The entity classes do not fit the schema stored in the state (see {@link Schema#merge} for what
 * counts as a conflict), or the stored schema cannot be read. The store must not start: reading
 * records written under another shape would give wrong objects.
 */
public final class SchemaConflictException extends RuntimeException {
    private final String entity;
    private final String field;

    /** {@code entity} and {@code field} may be null when the conflict is not about one of them. */
    public SchemaConflictException(String entity, String field, String message) {
        super(message);
        this.entity = entity;
        this.field = field;
    }

    /** The entity in conflict, or null. */
    public String entity() { return entity; }

    /** The field in conflict, or null. */
    public String field() { return field; }
}
