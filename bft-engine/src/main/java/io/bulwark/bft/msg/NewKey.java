package io.bulwark.bft.msg;

import java.util.List;

/**
 * NEW-KEY (section 4.1): principal {@code sender} gives each receiver the session key that
 * receiver must use (for replicas: to authenticate messages it sends to {@code sender}; for a
 * client: in both directions), each encrypted to that receiver's public key. {@code counter} is
 * the co-processor's monotonic counter; {@code signature} is the co-processor's signature over
 * all other fields.
 */
public record NewKey(int sender, long counter, List<KeyShare> shares, byte[] signature) implements Message {

    /** One receiver's session key, encrypted to its public key. */
    public record KeyShare(int receiver, byte[] ciphertext) {
    }
}
