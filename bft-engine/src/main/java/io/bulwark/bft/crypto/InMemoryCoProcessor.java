package io.bulwark.bft.crypto;

import java.util.function.LongFunction;

/**
 * A co-processor whose counter lives only in memory: for the deterministic simulator and tests
 * (Ed25519 signatures are deterministic, so runs replay exactly). A simulated restart must carry
 * the counter over via {@link #InMemoryCoProcessor(byte[], long)}; never use this in a real node.
 */
public final class InMemoryCoProcessor implements CoProcessor {
    private final byte[] privateKey;
    private final byte[] publicKey;
    private long counter;

    public InMemoryCoProcessor(byte[] signingPrivateKey, long counter) {
        if (counter < 0) throw new IllegalArgumentException("counter must be >= 0");
        this.privateKey = signingPrivateKey.clone();
        this.publicKey = Signatures.publicKeyOf(privateKey);
        this.counter = counter;
    }

    public InMemoryCoProcessor(byte[] signingPrivateKey) { this(signingPrivateKey, 0); }

    @Override public byte[] publicKey() { return publicKey.clone(); }

    @Override public long counter() { return counter; }

    @Override public SignedCounter sign(LongFunction<byte[]> payloadForCounter) throws CoProcessorException {
        if (counter == Long.MAX_VALUE) throw new CoProcessorException("counter exhausted");
        long t = ++counter;
        byte[] payload = payloadForCounter.apply(t).clone();
        return new SignedCounter(t, payload, Signatures.sign(privateKey, CoProcessor.signedBytes(payload, t)));
    }
}
