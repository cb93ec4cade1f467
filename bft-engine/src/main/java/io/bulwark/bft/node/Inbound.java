package io.bulwark.bft.node;

import io.bulwark.bft.msg.Message;
import java.util.BitSet;

/** What {@link Endpoint#open} made of a frame. */
public sealed interface Inbound {

    /**
     * An authenticated protocol message for the core; for a pre-prepare, {@code unverified} marks
     * the requests whose client authenticator did not verify here (see {@code Opened.Accepted}).
     */
    record Deliver(int from, Message message, BitSet unverified) implements Inbound {
        public Deliver(int from, Message message) { this(from, message, null); }
    }

    /**
     * A NEW-KEY whose signature verified (new keys installed, or a retransmission of the current
     * one): the connection it came on may be bound to {@code from}.
     */
    record KeyEstablished(int from) implements Inbound {}

    /** Rejected or ignored; already counted. */
    record Dropped() implements Inbound {}

    Dropped DROPPED = new Dropped();
}
