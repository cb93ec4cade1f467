package io.bulwark.bft.sim.adversary;

import io.bulwark.bft.config.ProtocolConfig;
import java.util.SplittableRandom;

/** What a {@link ReplicaBehaviour} may look at: the replica's identity, its core's view, the time, and its own randomness. */
public interface ReplicaContext {
    int self();

    ProtocolConfig config();

    /** Simulated time, µs. */
    long nowUs();

    /** The view the replica's core is in. */
    long view();

    /** Whether the replica's core believes it is the primary of its view. */
    boolean isPrimary();

    /** Randomness of this adversary, drawn from the run's seed. */
    SplittableRandom random();
}
