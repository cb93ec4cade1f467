package io.bulwark.store.client;

/**
 * The replica group gave no usable answer: no certified reply within the timeout, the wait was
 * interrupted, the client was closed, or the certified reply could not be decoded (a group running
 * a different version, or more than f faulty replicas). Unlike a {@link io.bulwark.store.StoreException}
 * this says nothing about the operation: it may or may not have been executed.
 */
public final class GroupUnavailableException extends RuntimeException {
    public GroupUnavailableException(String message, Throwable cause) { super(message, cause); }
}
