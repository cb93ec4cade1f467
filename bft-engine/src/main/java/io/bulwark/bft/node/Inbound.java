package io.bulwark.bft.node;

import io.bulwark.bft.msg.Message;

/** What {@link Endpoint#open} made of a frame. */
public sealed interface Inbound {

    /** An authenticated protocol message for the core. */
    record Deliver(int from, Message message) implements Inbound {}

    /**
     * A NEW-KEY whose signature verified (new keys installed, or a retransmission of the current
     * one): the connection it came on may be bound to {@code from}.
     */
    record KeyEstablished(int from) implements Inbound {}

    /** Rejected or ignored; already counted. */
    record Dropped() implements Inbound {}

    Dropped DROPPED = new Dropped();
}
