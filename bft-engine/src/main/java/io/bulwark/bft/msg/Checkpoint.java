package io.bulwark.bft.msg;

import io.bulwark.bft.crypto.Digest;

/** CHECKPOINT (section 4.3): the state after executing sequence number {@code seq} has digest {@code state}. */
public record Checkpoint(long seq, Digest state, int replica) implements Message {
}
