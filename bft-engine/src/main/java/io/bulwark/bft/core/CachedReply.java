package io.bulwark.bft.core;

import io.bulwark.bft.crypto.Digest;

/**
 * The last reply sent to a client (section 4.2: exactly-once semantics by timestamp). After a state
 * transfer only the digest is known ({@code result} null); {@code digest} is computed when the
 * table is next written to the state.
 */
record CachedReply(long timestamp, byte[] result, Digest digest) {
}
