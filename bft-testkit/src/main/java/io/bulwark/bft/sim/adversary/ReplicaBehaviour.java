package io.bulwark.bft.sim.adversary;

import java.util.function.Consumer;

/**
 * How a Byzantine replica departs from the protocol: a correct {@code Replica} core runs
 * underneath, and each message it sends passes through the replica's behaviours in turn before it
 * is sealed (with the replica's real keys) and transmitted. A behaviour passes on zero or more
 * messages for each one it gets: unchanged, dropped, delayed, mutated, or different messages to
 * different receivers. The core never learns what went out instead of what it asked for.
 */
public interface ReplicaBehaviour {

    /** Transforms one outgoing message; hands what should go out to {@code next}. */
    void outgoing(Outgoing o, ReplicaContext ctx, Consumer<Outgoing> next);
}
