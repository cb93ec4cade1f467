package io.bulwark.store;

/**
 * The operation would change an entity (or insert one of an entity type) that a prepared XA branch
 * holds: until that branch is committed, rolled back, or rolled back heuristically when its agreed-time
 * bound passes, no other transaction may write what it read or wrote. The operation changed nothing;
 * retrying it later may succeed. See {@code io.bulwark.store.xa}.
 */
public final class EntityLockedException extends StoreException {
    public EntityLockedException(String message) { super(message); }
}
