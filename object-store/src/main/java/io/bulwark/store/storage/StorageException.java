package io.bulwark.store.storage;

/**
 * The pages cannot do what was asked: the state is not formatted or is corrupt (a structure in the
 * pages does not hold together), a record id is unknown, or the state is full. Nothing the store
 * writes is left half done by it when the pages are a {@link io.bulwark.store.page.PageOverlay}
 * that the caller then discards.
 */
public final class StorageException extends RuntimeException {
    public StorageException(String message) { super(message); }
}
