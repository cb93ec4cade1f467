package io.bulwark.bft.msg;

/**
 * REPLY-STABLE (section 4.4): replica {@code replica}'s answer to {@code recovering}'s QUERY-STABLE
 * with {@code nonce}: the sequence number of its last checkpoint ({@code checkpoint}) and of the last
 * request prepared there ({@code prepared}). Sent to the recovering replica alone (MAC). Type code 24.
 */
public record ReplyStable(int replica, int recovering, long nonce, long checkpoint, long prepared) implements Message {
}
