package io.bulwark.bft.msg;

/**
 * QUERY-STABLE (section 4.4, estimation): replica {@code replica}, recovering, asks every other
 * replica for its last checkpoint and its last prepared sequence number; {@code nonce} is random,
 * so only answers to this query count. Type code 23.
 */
public record QueryStable(int replica, long nonce) implements Message {
}
