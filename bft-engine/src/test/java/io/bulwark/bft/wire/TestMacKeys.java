package io.bulwark.bft.wire;

import io.bulwark.bft.crypto.MacKeys;
import java.nio.ByteBuffer;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Test-only MacKeys: HMAC-SHA256 truncated to {@code tagLength}, keys derived deterministically
 * from (secret, from, to). Replica pairs get one key per direction; a client and a replica share
 * one key both ways (section 4.1). Keys can be removed per peer to test NO_KEY.
 */
public final class TestMacKeys implements MacKeys {
    private final int self;
    private final int replicaCount;
    private final int tagLength;
    private final long secret;
    private final Set<Integer> missing = new HashSet<>();
    private final Map<Long, Mac> macs = new HashMap<>();
    private final byte[] scratch = new byte[32];

    public TestMacKeys(int self, int replicaCount, int tagLength, long secret) {
        this.self = self;
        this.replicaCount = replicaCount;
        this.tagLength = tagLength;
        this.secret = secret;
    }

    public TestMacKeys(int self, int replicaCount) { this(self, replicaCount, 16, 42); }

    /** Forget the keys shared with {@code peer} (both directions). */
    public TestMacKeys withoutKey(int peer) {
        missing.add(peer);
        return this;
    }

    @Override public int self() { return self; }

    @Override public int tagLength() { return tagLength; }

    @Override public boolean canSendTo(int peer) { return peer >= 0 && !missing.contains(peer); }

    @Override public boolean canReceiveFrom(int peer) { return peer >= 0 && !missing.contains(peer); }

    @Override public void mac(int peer, byte[] data, int off, int len, byte[] out, int outOff) {
        compute(self, peer, data, off, len);
        System.arraycopy(scratch, 0, out, outOff, tagLength);
    }

    @Override public boolean verify(int peer, byte[] data, int off, int len, byte[] tag, int tagOff) {
        compute(peer, self, data, off, len);
        int diff = 0;
        for (int i = 0; i < tagLength; i++) diff |= scratch[i] ^ tag[tagOff + i];
        return diff == 0;
    }

    private void compute(int from, int to, byte[] data, int off, int len) {
        if (!canReceiveFrom(from == self ? to : from)) throw new IllegalStateException("no key for " + from + "->" + to);
        try {
            Mac m = mac(from, to);
            m.update(data, off, len);
            m.doFinal(scratch, 0);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    private Mac mac(int from, int to) throws GeneralSecurityException {
        // Client-replica keys are symmetric; replica-replica keys are directed.
        if (from >= replicaCount || to >= replicaCount) {
            int a = Math.min(from, to), b = Math.max(from, to);
            from = a;
            to = b;
        }
        long id = (long) from << 32 | (to & 0xffffffffL);
        Mac m = macs.get(id);
        if (m == null) {
            byte[] seed = ByteBuffer.allocate(16).putLong(secret).putInt(from).putInt(to).array();
            byte[] key = MessageDigest.getInstance("SHA-256").digest(seed);
            m = Mac.getInstance("HmacSHA256");
            m.init(new SecretKeySpec(key, "HmacSHA256"));
            macs.put(id, m);
        }
        return m;
    }
}
