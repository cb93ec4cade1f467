package io.bulwark.bft.msg;

import io.bulwark.bft.crypto.Digest;

/** COMMIT (section 4.2): replica {@code replica} prepared (view, seq, digest). */
public record Commit(long view, long seq, Digest digest, int replica) implements Message {
}
