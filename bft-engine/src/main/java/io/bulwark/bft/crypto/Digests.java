package io.bulwark.bft.crypto;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;

/**
 * The digest function used everywhere (requests, batches, replies, state pages), and the
 * protocol's domain-separated digests of requests, batches, view-changes and results (section 4.2,
 * 4.5), over the fields they cover given as plain values, so this package needs no message types.
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

    // ------------------------------------------------------------------ protocol digests

    // Domain bytes so that request, batch, result and view-change digests can never be confused with each other.
    private static final byte DOMAIN_REQUEST = 'Q';
    private static final byte DOMAIN_BATCH = 'B';
    private static final byte DOMAIN_RESULT = 'R';
    private static final byte DOMAIN_VIEW_CHANGE = 'V';
    /** Scratch for the fixed-size fields fed to a digest (at most 13 bytes, used before each update returns). */
    private static final ThreadLocal<byte[]> FIXED_FIELDS = ThreadLocal.withInitial(() -> new byte[16]);
    /** [0] for requests, view-changes and results; [1] for the batch around request digests made with [0]. */
    private static final ThreadLocal<MessageDigest[]> PROTOCOL = ThreadLocal.withInitial(
            () -> new MessageDigest[] {freshSha256(), freshSha256()});

    /**
     * A request's digest: over client, timestamp, readOnly and operation only. Not the replier (a
     * retransmission asking every replica for the full result is the same request) and not the
     * authenticator (each backup sees a different entry, section 4.2).
     */
    public static Digest request(int client, long timestamp, boolean readOnly, byte[] operation) {
        return new Digest(requestInto(PROTOCOL.get()[0], client, timestamp, readOnly, operation, new byte[Digest.LENGTH]));
    }

    private static byte[] requestInto(MessageDigest md, int client, long timestamp, boolean readOnly, byte[] operation, byte[] out) {
        md.reset(); // a digest abandoned by an exception (null operation) must not leak into this one
        md.update(DOMAIN_REQUEST);
        // client (4, big-endian), timestamp (8, big-endian), readOnly (1): one update, not 13.
        byte[] fixed = FIXED_FIELDS.get();
        fixed[0] = (byte) (client >>> 24);
        fixed[1] = (byte) (client >>> 16);
        fixed[2] = (byte) (client >>> 8);
        fixed[3] = (byte) client;
        for (int i = 0; i < 8; i++) fixed[4 + i] = (byte) (timestamp >>> (56 - 8 * i));
        fixed[12] = (byte) (readOnly ? 1 : 0);
        md.update(fixed, 0, 13);
        md.update(operation); // last field, so no length needed
        try {
            md.digest(out, 0, Digest.LENGTH);
        } catch (java.security.DigestException e) {
            throw new IllegalStateException(e);
        }
        return out;
    }

    /**
     * Starts the digest of a batch that a pre-prepare carries: over nonDet, the request count and
     * then each request's digest, in order ({@link BatchDigest#request}). One batch at a time per thread.
     */
    public static BatchDigest batch(byte[] nonDet, int requests) {
        MessageDigest[] mds = PROTOCOL.get();
        MessageDigest md = mds[1];
        md.reset();
        md.update(DOMAIN_BATCH);
        updateInt(md, nonDet.length);
        md.update(nonDet);
        updateInt(md, requests);
        return new BatchDigest(md, mds[0]);
    }

    /** A batch digest in progress: feed every request, then {@link #done}. */
    public static final class BatchDigest {
        private final MessageDigest md;
        private final MessageDigest requestMd;
        private final byte[] scratch = new byte[Digest.LENGTH];

        private BatchDigest(MessageDigest md, MessageDigest requestMd) {
            this.md = md;
            this.requestMd = requestMd;
        }

        /** Adds the next request's digest ({@link Digests#request} of these fields). */
        public BatchDigest request(int client, long timestamp, boolean readOnly, byte[] operation) {
            md.update(requestInto(requestMd, client, timestamp, readOnly, operation, scratch));
            return this;
        }

        /** Adds the next request by its digest, made elsewhere ({@link Digests#request}): the same as {@link #request} of its fields. */
        public BatchDigest requestDigest(Digest request) {
            md.update(request.bytes());
            return this;
        }

        public Digest done() { return new Digest(md.digest()); }
    }

    /**
     * The digest that names a VIEW-CHANGE in VIEW-CHANGE-ACKs and NEW-VIEWs (section 4.5), over its
     * canonical body encoding (self-delimiting, so no length is needed): every field, author and view included.
     */
    public static Digest viewChange(byte[] canonicalBody) {
        MessageDigest md = PROTOCOL.get()[0];
        md.reset();
        md.update(DOMAIN_VIEW_CHANGE);
        md.update(canonicalBody);
        return new Digest(md.digest());
    }

    /** The digest a digest-only REPLY carries instead of the result (section 4.2's reply-digest optimization). */
    public static Digest result(byte[] result) {
        MessageDigest md = PROTOCOL.get()[0];
        md.reset();
        md.update(DOMAIN_RESULT);
        md.update(result);
        return new Digest(md.digest());
    }

    private static void updateInt(MessageDigest md, int v) {
        byte[] b = FIXED_FIELDS.get();
        b[0] = (byte) (v >>> 24);
        b[1] = (byte) (v >>> 16);
        b[2] = (byte) (v >>> 8);
        b[3] = (byte) v;
        md.update(b, 0, 4);
    }
}
