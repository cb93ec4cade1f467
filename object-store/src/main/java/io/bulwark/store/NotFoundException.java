package io.bulwark.store;

/** No entity with the requested id (or unique value). */
public final class NotFoundException extends StoreException {
    public NotFoundException(String message) { super(message); }
}
