package io.bulwark.store;

/** The caller lacks a role the operation requires. */
public final class AccessDeniedException extends StoreException {
    public AccessDeniedException(String message) { super(message); }
}
