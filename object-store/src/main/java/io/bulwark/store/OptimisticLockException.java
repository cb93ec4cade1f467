package io.bulwark.store;

/** The entity's @Version differs from the stored one: someone changed it since it was read. */
public final class OptimisticLockException extends StoreException {
    public OptimisticLockException(String message) { super(message); }
}
