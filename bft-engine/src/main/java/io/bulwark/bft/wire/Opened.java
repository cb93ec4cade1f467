package io.bulwark.bft.wire;

import io.bulwark.bft.msg.Message;

/** What {@link Wire#open} made of a frame: an authenticated message, or a rejection with its reason. */
public sealed interface Opened permits Opened.Accepted, Opened.Rejected {

    /**
     * The frame decoded and authenticated as coming from {@code sender} (for NEW-KEY: decoded
     * only; the key exchange verifies its signature). For a VIEW-CHANGE, {@code sender} is the
     * replica that sent this frame, which may have forwarded another's: {@code replica()} inside is
     * only a claim.
     */
    record Accepted(int sender, Message message) implements Opened {
    }

    /** The frame was dropped; {@code detail} is for logs, {@code reason} for counters and tests. */
    record Rejected(RejectReason reason, String detail) implements Opened {
    }
}
