package io.bulwark.bft.msg;

import io.bulwark.bft.crypto.Digest;

/** PREPARE (section 4.2): replica {@code replica} accepted the pre-prepare for (view, seq, digest). */
public record Prepare(long view, long seq, Digest digest, int replica) implements Message {
}
