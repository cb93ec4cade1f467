package io.bulwark.bft.sim;

import io.bulwark.bft.msg.Request;
import io.bulwark.bft.service.Service;
import io.bulwark.bft.state.ReplicatedState;
import java.util.ArrayDeque;
import java.util.Arrays;
import java.util.List;

/**
 * The older state a {@link io.bulwark.bft.sim.adversary.StaleReader} answers reads from: a second
 * copy of the service that executes each batch the replica executed, {@code lag} batches late. After
 * a state transfer the copy no longer follows (it could only be rebuilt from the fetched state),
 * so the reader answers honestly from then on.
 */
final class StaleState {
    private record Batch(List<Request> requests, byte[] nonDet) {}

    private final Service service;
    private final int lag;
    private final ArrayDeque<Batch> pending = new ArrayDeque<>();
    private boolean following = true;
    /** Reads answered from the old state with a result other than the current one. */
    long staleAnswers;

    StaleState(Service service, int pages, int maxClients, int lag) {
        ReplicatedState state = new ReplicatedState(pages, maxClients);
        this.service = service;
        this.lag = lag;
        service.init(state.service());
    }

    void executed(List<Request> requests, byte[] nonDet) {
        if (!following) return;
        pending.add(new Batch(requests, nonDet));
        while (pending.size() > lag) {
            Batch b = pending.poll();
            try {
                for (Request r : b.requests()) service.execute(r.operation(), r.client(), b.nonDet(), false);
            } catch (RuntimeException | StackOverflowError e) {
                stateReplaced();   // an operation the service refuses by throwing: the old copy stops following
            }
        }
    }

    void stateReplaced() { following = false; pending.clear(); }

    /** The answer to a read: from the old state while it follows, else {@code current}. */
    byte[] read(Request r, byte[] current) {
        if (!following) return current;
        byte[] old;
        try {
            old = service.execute(r.operation(), r.client(), new byte[0], true);
        } catch (RuntimeException | StackOverflowError e) {
            return current;
        }
        if (!Arrays.equals(old, current)) staleAnswers++;
        return old;
    }
}
