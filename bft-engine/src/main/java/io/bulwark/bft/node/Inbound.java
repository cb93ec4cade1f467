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
     * A NEW-KEY that installed new keys ({@code fresh}) or repeats the current one (a retransmission
     * or a replay; its signature is not checked again). It proves nothing about who is on the
     * connection it came on (anyone may replay a NEW-KEY, issue 20): only a {@code BindProof}
     * binds a connection ({@link ChannelGuard}). {@code counter} is the NEW-KEY's (the key's epoch).
     */
    record KeyEstablished(int from, boolean fresh, long counter) implements Inbound {}

    /** Rejected or ignored; already counted. */
    record Dropped() implements Inbound {}

    Dropped DROPPED = new Dropped();
}
