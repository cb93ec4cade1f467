package io.bulwark.store;

/** The id or a unique indexed value of a new entity is already taken. */
public final class EntityExistsException extends StoreException {
    public EntityExistsException(String message) { super(message); }
}
