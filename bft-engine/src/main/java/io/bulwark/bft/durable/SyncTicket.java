package io.bulwark.bft.durable;

import java.util.concurrent.CompletableFuture;

/**
 * The promise of one group commit: {@code durable} completes once every record up to and including
 * seq {@code upTo} is forced to disk (exceptionally if the write or the fsync failed). A node holds
 * the sends that depend on those records until then, without blocking its event loop.
 */
public record SyncTicket(long upTo, CompletableFuture<Void> durable) {
    public boolean isDurable() { return durable.isDone() && !durable.isCompletedExceptionally(); }
}
