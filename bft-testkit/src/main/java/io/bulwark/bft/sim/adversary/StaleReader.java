package io.bulwark.bft.sim.adversary;

import java.util.function.Consumer;

/**
 * Issue 17's faulty replica: it runs the protocol faithfully and executes every ordered request
 * correctly (its replies to writes are right, so it helps a write complete with f+1 replies), but
 * answers read-only requests from a state {@code lagBatches} batches old — a state that once was
 * real, so its answer matches what a correct replica that has prepared but not committed (or not
 * seen) the latest write would say. With 2f+1 matching replies needed for a read, it supplies the f
 * faulty ones of a stale quorum (section 4.2's read-only optimization). The simulator keeps the old
 * state for it (a second copy of the service that executes each batch {@code lagBatches} late); its
 * messages pass through unchanged.
 */
public record StaleReader(int lagBatches) implements ReplicaBehaviour {

    public StaleReader {
        if (lagBatches < 1) throw new IllegalArgumentException("a stale reader lags at least one batch");
    }

    @Override public void outgoing(Outgoing o, ReplicaContext ctx, Consumer<Outgoing> next) { next.accept(o); }
}
