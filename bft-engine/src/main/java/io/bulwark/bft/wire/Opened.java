package io.bulwark.bft.wire;

import io.bulwark.bft.msg.RejectReason;
import io.bulwark.bft.msg.Message;
import java.util.BitSet;

/** What {@link Wire#open} made of a frame: an authenticated message, or a rejection with its reason. */
public sealed interface Opened permits Opened.Accepted, Opened.Rejected {

    /**
     * The frame decoded and authenticated as coming from {@code sender} (for NEW-KEY: decoded
     * only; the key exchange verifies its signature). For a VIEW-CHANGE, {@code sender} is the
     * replica that sent this frame, which may have forwarded another's: {@code replica()} inside is
     * only a claim.
     * <p>
     * For a PRE-PREPARE, {@code unverified} holds the positions in its batch of the requests whose
     * client authenticator entry for this replica did not verify (or whose client we have no key
     * for); null when every request verified, and for every other message. Such a pre-prepare is
     * still delivered: the primary's frame MAC is good, a batch body fetched by digest needs no
     * request MACs, and the core decides what to make of a request it could not authenticate
     * (see {@code core.Replica}). Not to be mutated.
     */
    record Accepted(int sender, Message message, BitSet unverified) implements Opened {
        public Accepted(int sender, Message message) { this(sender, message, null); }
    }

    /** The frame was dropped; {@code detail} is for logs, {@code reason} for counters and tests. */
    record Rejected(RejectReason reason, String detail) implements Opened {
    }
}
