package io.bulwark.bft.crypto;

/**
 * A co-processor signature: {@code signature} is Ed25519 over {@code payload || counter}
 * (counter as 8 bytes big-endian), see {@link CoProcessor#signedBytes}.
 */
public record SignedCounter(long counter, byte[] payload, byte[] signature) {
    public SignedCounter {
        if (payload == null || signature == null) throw new IllegalArgumentException("payload and signature required");
    }
}
