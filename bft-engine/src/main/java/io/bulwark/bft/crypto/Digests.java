package io.bulwark.bft.crypto;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;

/**
 * The digest function used everywhere (requests, batches, replies, state pages).
 * SHA-256: 128-bit collision resistance; the JDK's implementation uses the CPU's SHA
 * instructions where present. The choice is measured by the JMH benchmark in bft-jmh
 * (DigestBenchmark; results in bft-jmh/README.md): on a CPU with SHA-NI, SHA-256 beat
 * SHA-512/256, BLAKE2b-256 and BLAKE3 (Bouncy Castle's pure-Java implementations) at every size
 * from 64 B to 4 KB, by 2-10x.
 */
public final class Digests {
    private static final ThreadLocal<MessageDigest> SHA256 = ThreadLocal.withInitial(() -> {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 missing from the JDK", e);
        }
    });

    private Digests() {}

    public static Digest of(byte[] data) { return of(data, 0, data.length); }

    public static Digest of(byte[] data, int off, int len) {
        MessageDigest md = SHA256.get();
        md.update(data, off, len);
        return new Digest(md.digest());
    }

    /** A fresh incremental hasher (not thread-safe). */
    public static Hasher hasher() { return new Hasher(); }

    /**
     * An unused SHA-256 engine per thread, cloned for each {@link Hasher}: a clone copies a few
     * dozen bytes of state, where {@code MessageDigest.getInstance} goes through the provider
     * framework and reflection every time.
     */
    private static final ThreadLocal<MessageDigest> PROTOTYPE = ThreadLocal.withInitial(() -> {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    });

    private static MessageDigest freshSha256() {
        MessageDigest proto = PROTOTYPE.get();
        try {
            return (MessageDigest) proto.clone();
        } catch (CloneNotSupportedException e) {
            try {
                return MessageDigest.getInstance(proto.getAlgorithm(), proto.getProvider());
            } catch (NoSuchAlgorithmException e2) {
                throw new IllegalStateException(e2);
            }
        }
    }

    public static final class Hasher {
        private final MessageDigest md;
        private final byte[] scratch = new byte[8];

        private Hasher() { md = freshSha256(); }

        public Hasher put(byte[] b) { md.update(b); return this; }
        public Hasher put(byte[] b, int off, int len) { md.update(b, off, len); return this; }
        public Hasher put(Digest d) { md.update(d.bytes()); return this; }
        /** The 8 bytes of {@code v}, big-endian. */
        public Hasher putLong(long v) {
            for (int i = 0; i < 8; i++) scratch[i] = (byte) (v >>> (56 - 8 * i));
            md.update(scratch, 0, 8);
            return this;
        }
        /** The 4 bytes of {@code v}, big-endian. */
        public Hasher putInt(int v) {
            for (int i = 0; i < 4; i++) scratch[i] = (byte) (v >>> (24 - 8 * i));
            md.update(scratch, 0, 4);
            return this;
        }
        public Digest done() { return new Digest(md.digest()); }
    }
}
