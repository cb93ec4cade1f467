package io.bulwark.bft.msg;

/**
 * Why an incoming frame was rejected (DESIGN principle 3: untrusted input fails closed with a
 * clear reason): by the decoder ({@link DecodeException}) or by the frame layer ({@code wire.Wire},
 * which counts them per reason in {@code wire.RejectCounters}). It lives here, below the wire, so
 * that decoding needs nothing from the frame layer.
 */
public enum RejectReason {
    /** The frame or a field ends before its declared length. */
    TRUNCATED,
    /** A length or count exceeds its configured bound ({@code CodecLimits}). */
    OVERSIZED,
    /** Unknown frame version. */
    BAD_VERSION,
    /** Unknown message type byte. */
    UNKNOWN_TYPE,
    /** Unknown authentication kind byte. */
    BAD_AUTH_KIND,
    /** A known authentication kind that this message type must not carry (e.g. a PREPARE without MACs). */
    WRONG_AUTH_KIND,
    /** A field has a value outside its domain (negative sequence number, unknown flag bits, replica id out of range...). */
    BAD_FIELD,
    /** Bytes left over after the message. */
    TRAILING_BYTES,
    /** The header's sender differs from the sender named inside the message. */
    SENDER_MISMATCH,
    /** A replica-only message from a principal that is not a replica. */
    NOT_A_REPLICA,
    /** A request from a principal that is not a client. */
    NOT_A_CLIENT,
    /** A message this principal never receives (a REPLY at a replica, a PREPARE at a client, a reply for another client). */
    NOT_FOR_ME,
    /** No session key yet for the sender (section 4.1: keys arrive in NEW-KEY messages). */
    NO_KEY,
    /** The frame's MAC, or this principal's authenticator entry, does not verify. */
    BAD_MAC,
    /** The authenticator's entry count is not the number of replicas. */
    BAD_AUTHENTICATOR,
    /**
     * A request inside a PRE-PREPARE comes from a client this replica has no key for. Counted per
     * request; the pre-prepare itself is delivered with the request marked ({@code wire.Opened.Accepted#unverified}).
     */
    NO_REQUEST_KEY,
    /**
     * A request inside a PRE-PREPARE carries a client authenticator entry that does not verify.
     * Counted per request; the pre-prepare itself is delivered with the request marked.
     */
    BAD_REQUEST_MAC,
    /** A bug: something threw. Never expected; counted so that it shows in metrics. */
    INTERNAL;
}
