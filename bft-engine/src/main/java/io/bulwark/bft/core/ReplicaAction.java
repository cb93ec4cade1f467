package io.bulwark.bft.core;

import io.bulwark.bft.msg.Request;
import java.util.List;

/** What a {@link Replica} asks its driver to do: send, arm timers, execute, replace the state. */
public sealed interface ReplicaAction extends Action
        permits Action.Send, Action.Multicast, Action.SetTimer, ReplicaAction.Execute, ReplicaAction.ExecuteReadOnly,
                ReplicaAction.StateReplaced {

    /**
     * Execute {@code requests} in order, as sequence number {@code seq}, with the agreed
     * non-deterministic input; then call {@code Replica.executed}. When {@code checkpoint} is set,
     * pass the state digest after execution.
     */
    record Execute(long seq, byte[] nonDet, List<Request> requests, boolean checkpoint) implements ReplicaAction {}

    /** Execute one read-only request against the current state; then call {@code Replica.executedReadOnly}. */
    record ExecuteReadOnly(Request request) implements ReplicaAction {}

    /**
     * State transfer replaced the state with checkpoint {@code seq}'s: the driver tells the service,
     * which must drop anything it derived from the pages (caches).
     */
    record StateReplaced(long seq) implements ReplicaAction {}
}
