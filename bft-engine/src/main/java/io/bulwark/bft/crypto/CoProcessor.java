package io.bulwark.bft.crypto;

import java.util.function.LongFunction;

/**
 * The secure co-processor of section 4.1: it holds the principal's private signing key and a
 * monotonic counter. Every signature covers {@code payload || t} where t is a fresh counter value,
 * incremented (and, for real implementations, made durable) before the signature is released. The
 * counter never goes backwards, which lets receivers reject replayed NEW-KEY messages and defeats
 * suppress-replay attacks, even after the host is compromised and restarted.
 */
public interface CoProcessor {

    /** The Ed25519 public key matching the private key held inside. */
    byte[] publicKey();

    /** The last counter value handed out (0 before the first signature). */
    long counter();

    /**
     * Increments the counter to t, makes t durable, then asks {@code payloadForCounter} for the
     * payload (so callers can bind t into the payload, e.g. as associated data of encrypted key
     * shares) and signs {@code payload || t}. The caller cannot choose t.
     */
    SignedCounter sign(LongFunction<byte[]> payloadForCounter) throws CoProcessorException;

    /** Signs a payload that does not depend on the counter. */
    default SignedCounter sign(byte[] payloadWithoutCounter) throws CoProcessorException {
        byte[] copy = payloadWithoutCounter.clone();
        return sign(t -> copy);
    }

    /** The exact bytes signed: {@code payload || counter} (8 bytes, big-endian). */
    static byte[] signedBytes(byte[] payload, long counter) {
        byte[] out = java.util.Arrays.copyOf(payload, payload.length + 8);
        for (int i = 0; i < 8; i++) out[payload.length + i] = (byte) (counter >>> (56 - 8 * i));
        return out;
    }

    /** Checks a co-processor signature; never throws on hostile input. */
    static boolean verify(byte[] publicKey, byte[] payload, long counter, byte[] signature) {
        if (payload == null) return false;
        return Signatures.verify(publicKey, signedBytes(payload, counter), signature);
    }
}
