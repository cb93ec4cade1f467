package io.bulwark.store;

/**
 * The operation did more work than its budget allows (see {@code io.bulwark.store.work.WorkMeter}):
 * it was aborted and rolled back. Work is counted in deterministic units — pages touched, entities
 * decoded, index steps, pattern steps, steps the application charges — never in time, so every correct
 * replica aborts the same operation at the same point and sends the same reply.
 */
public final class BudgetExceededException extends StoreException {
    public BudgetExceededException(String message) { super(message); }
}
