package io.bulwark.store.cli;

import io.bulwark.bft.core.NonDet;
import io.bulwark.bft.service.Service;
import io.bulwark.bft.state.ReplicatedState;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

/**
 * A service executed without replication, as one replica executes it: on one thread of its own, over a paged state of
 * its own, each read-write request given the time a primary would propose (never going backwards). What the
 * unreplicated baselines share: {@link UnreplicatedStoreServer} (over a socket) and {@link UnreplicatedBank} (in the
 * bench's process).
 */
final class UnreplicatedExecution implements AutoCloseable {
    private final Service service;
    private final ExecutorService executor;
    /** The time proposed to the last read-write request; executor thread only. */
    private long lastMillis;

    /** {@code service} gets a region of {@code pages} pages for {@code maxClients} clients now, on the execution thread named {@code thread}. */
    UnreplicatedExecution(Service service, int pages, int maxClients, String thread) throws InterruptedException {
        if (pages < 1) throw new IllegalArgumentException("at least one page");
        this.service = service;
        this.executor = Executors.newSingleThreadExecutor(r -> {
            Thread t = new Thread(r, thread);
            t.setDaemon(true);
            return t;
        });
        try {
            executor.submit(() -> service.init(new ReplicatedState(pages, maxClients).service())).get();
        } catch (ExecutionException e) {
            executor.shutdownNow();
            throw new IllegalStateException("the service's init failed: " + e.getCause(), e.getCause());
        }
    }

    /** Runs one request on the execution thread and waits for its result; {@link ExecutionException} if the service threw. */
    byte[] execute(byte[] operation, int client, boolean readOnly) throws InterruptedException, ExecutionException {
        return executor.submit(() -> {
            byte[] nonDet = new byte[0];
            if (!readOnly) {
                lastMillis = Math.max(lastMillis, System.currentTimeMillis());
                nonDet = NonDet.encodeTime(lastMillis);
            }
            return service.execute(operation, client, nonDet, readOnly);
        }).get();
    }

    @Override public void close() throws InterruptedException {
        executor.shutdownNow();
        executor.awaitTermination(10, TimeUnit.SECONDS);
    }
}
