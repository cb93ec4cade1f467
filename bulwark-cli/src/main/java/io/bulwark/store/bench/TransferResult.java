package io.bulwark.store.bench;

/** How a transfer ended when it did not fail. */
public enum TransferResult {
    /** Both balances changed. */
    APPLIED,
    /** Validation refused it (the source would go negative) and nothing changed. */
    REFUSED
}
