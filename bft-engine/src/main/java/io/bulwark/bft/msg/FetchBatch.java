package io.bulwark.bft.msg;

import io.bulwark.bft.crypto.Digest;

/**
 * Asks the other replicas for the body of the batch with {@code digest} that was proposed at
 * {@code seq} (sections 4.5 condition A3 and 4.6.1: "request bodies by digest"). A replica that
 * holds it answers with the PRE-PREPARE that carried it; the receiver checks the body against the
 * digest, so the answer needs no trust in the responder.
 */
public record FetchBatch(int replica, long seq, Digest digest) implements Message {
}
