package io.bulwark.bft.core;

import io.bulwark.bft.msg.Message;
import io.bulwark.bft.msg.Request;
import java.util.List;

/**
 * What a protocol core asks its driver to do (the "Ready" of etcd-io/raft). The core never does
 * I/O itself; a driver (the simulator or the node runtime) performs these in order.
 */
public sealed interface Action {

    /** Send {@code message} to one principal, authenticated with a single MAC. */
    record Send(int to, Message message) implements Action {}

    /** Send {@code message} to every replica except the sender, authenticated with one authenticator. */
    record Multicast(Message message) implements Action {}

    /** Arm (or re-arm) the timer of this kind to fire at {@code deadline} (core time, ms). */
    record SetTimer(TimerKind kind, long deadline) implements Action {}

    /**
     * Execute {@code requests} in order, as sequence number {@code seq}, with the agreed
     * non-deterministic input; then call {@code Replica.executed}. When {@code checkpoint} is set,
     * pass the state digest after execution.
     */
    record Execute(long seq, byte[] nonDet, List<Request> requests, boolean checkpoint) implements Action {}

    /** Execute one read-only request against the current state; then call {@code Replica.executedReadOnly}. */
    record ExecuteReadOnly(Request request) implements Action {}

    /**
     * State transfer replaced the state with checkpoint {@code seq}'s: the driver tells the service,
     * which must drop anything it derived from the pages (caches).
     */
    record StateReplaced(long seq) implements Action {}

    /** Client side: the request with {@code timestamp} completed with a certified {@code result}. */
    record Complete(long timestamp, byte[] result) implements Action {}
}
