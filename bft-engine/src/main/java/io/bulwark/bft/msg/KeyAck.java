package io.bulwark.bft.msg;

/**
 * KEY-ACK: replica {@code replica} installed the session key that client {@code client}'s NEW-KEY
 * with co-processor counter {@code counter} carried (section 4.1). Sent to the client alone with a
 * MAC under that very key, so a client that verifies it knows the replica holds its current key
 * (an answer to an older NEW-KEY of the same client id carries another counter and, once the
 * client refreshed, does not verify). A client sends its requests only once 2f+1 replicas
 * acknowledged its current key: otherwise a backup could get the client's request inside the
 * primary's pre-prepare before the key, and take a correct client for a big-MAC one (issue 15
 * item 2). Not part of the paper, which leaves key distribution timing open. Type code 20.
 */
public record KeyAck(int replica, int client, long counter) implements Message {
}
