package io.bulwark.bft.sim;

import io.bulwark.bft.service.Service;
import java.util.SplittableRandom;

/**
 * A service and the operations correct clients send to it, for simulating something other than the
 * built-in key-value store (whose clients' history is checked for linearizability). The engine knows
 * nothing of the service, so a workload brings its own oracles: each client judges every result it
 * gets, and at the end of a run the state of every correct replica is checked (for instance, that a
 * bank's money was neither made nor lost). The engine's own checks — equal batches and equal
 * checkpoint digests at correct replicas — apply unchanged.
 * <p>
 * Everything must be deterministic: the simulator replays a run from its seed.
 */
public interface Workload {

    /** One operation a client sends. */
    record Operation(byte[] bytes, boolean readOnly) {}

    /** What one correct client sends, one operation at a time (closed loop). */
    interface ClientScript {
        Operation next();

        /** The certified result of the last operation: null if acceptable, else what is wrong with it. */
        String completed(byte[] result);
    }

    /** Service state, in 4 KB pages, each replica gets. */
    int pages();

    /** A fresh service instance for one replica. */
    Service newService();

    /** The script of correct client {@code clientId}, drawing from {@code random} only. */
    ClientScript client(int clientId, SplittableRandom random);

    /**
     * Checks a correct replica's service after the run, once every correct replica caught up: null if
     * its state is acceptable, else what is wrong.
     */
    default String checkFinal(Service service) { return null; }

    /** A short name for reports and replay hints. */
    String name();
}
