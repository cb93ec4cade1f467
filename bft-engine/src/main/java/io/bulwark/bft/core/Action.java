package io.bulwark.bft.core;

import io.bulwark.bft.msg.Message;

/**
 * What a protocol core asks its driver to do (the "Ready" of etcd-io/raft). The core never does
 * I/O itself; a driver (the simulator or the node runtime) performs these in order.
 * <p>
 * A replica's outputs are {@link ReplicaAction}s, a client's {@link ClientAction}s; sending and
 * timers are common to both and defined here.
 */
public sealed interface Action permits ReplicaAction, ClientAction {

    /** Send {@code message} to one principal, authenticated with a single MAC. */
    record Send(int to, Message message) implements ReplicaAction, ClientAction {}

    /** Send {@code message} to every replica except the sender, authenticated with one authenticator. */
    record Multicast(Message message) implements ReplicaAction, ClientAction {}

    /** Arm (or re-arm) the timer of this kind to fire at {@code deadline} (core time, ms). */
    record SetTimer(TimerKind kind, long deadline) implements ReplicaAction, ClientAction {}
}
