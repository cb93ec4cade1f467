package io.bulwark.bft.core;

/** The last reply sent to a client (section 4.2: exactly-once semantics by timestamp). */
record CachedReply(long timestamp, byte[] result) {
}
