package io.bulwark.bft.keys;

/** What {@link KeyExchange#accept} did with a NEW-KEY. Only {@link #ACCEPTED} changed any key. */
public enum NewKeyResult {
    /** Verified and the session key addressed to us installed. */
    ACCEPTED,
    /** Same counter as the last accepted NEW-KEY from this sender: a retransmission, ignored quietly. */
    DUPLICATE,
    /** Null fields, a counter below 1, too many shares, or two shares for one receiver. */
    MALFORMED,
    /** The sender is not in the cluster configuration. */
    UNKNOWN_SENDER,
    /** Claims to come from this principal. */
    FROM_SELF,
    /** Client to client, or replica to client: no session key is ever exchanged that way. */
    WRONG_PRINCIPAL_KIND,
    /** Counter lower than the last accepted one from this sender: a replay (section 4.1). */
    STALE_COUNTER,
    /** The co-processor signature does not verify with the sender's public key. */
    BAD_SIGNATURE,
    /** No share addressed to us. */
    NO_SHARE_FOR_US,
    /** Our share has the wrong length (e.g. truncated). */
    MALFORMED_SHARE,
    /** Our share fails AES-GCM authentication: encrypted to someone else, or for another sender/counter. */
    DECRYPTION_FAILED;

    public boolean accepted() { return this == ACCEPTED; }

    /** True for the outcomes that indicate a faulty or malicious sender (not DUPLICATE or ACCEPTED). */
    public boolean rejected() { return this != ACCEPTED && this != DUPLICATE; }
}
