package io.bulwark.store;

/**
 * A failure of an operation that the replicas agreed on: the operation was rolled back (no page
 * changed) and every correct replica reports the same failure. The same types are thrown on the
 * replica, inside an operation, and on the client, so a caller can tell them apart from a faulty or
 * unreachable group (which is not a StoreException).
 */
public abstract sealed class StoreException extends RuntimeException
        permits NotFoundException, EntityExistsException, OptimisticLockException, ValidationException,
                AccessDeniedException, BadRequestException, OperationFailedException, BudgetExceededException,
                EntityLockedException, XaBranchException {
    protected StoreException(String message) { super(message); }
}
