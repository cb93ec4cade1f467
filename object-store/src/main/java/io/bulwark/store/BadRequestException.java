package io.bulwark.store;

/** The request could not be decoded or does not fit the operation (unknown operation, wrong arguments, unregistered classes, a write in a read-only operation). */
public final class BadRequestException extends StoreException {
    public BadRequestException(String message) { super(message); }
}
