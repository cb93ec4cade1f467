package io.bulwark.bft.crypto;

import java.util.Arrays;

/**
 * The session-key ring of one principal (section 4.1). Principals are ints: replicas
 * {@code 0..n-1}, clients {@code n} and above.
 * <ul>
 *   <li>Replica i and replica j: k_{i,j} authenticates messages i sends to j and is chosen by the
 *       receiver j (sent to i in j's NEW-KEY); so a replica installs its <em>receive</em> key for a
 *       peer when it creates its own NEW-KEY and its <em>send</em> key when it accepts the peer's.</li>
 *   <li>Client c and replica r: one key for both directions, chosen by the client.</li>
 * </ul>
 * Each installed key remembers its epoch: the co-processor counter of the NEW-KEY that carried it.
 * Installing a key replaces the old one, so messages authenticated with old keys stop verifying
 * (the paper's "equally fresh" rule). MAC engines are initialised once per key and reused, so
 * {@link #mac} and {@link #verify} do not allocate. Not thread-safe (one event loop).
 */
public final class SessionKeys implements MacKeys {

    /** Epoch of a direction without a key. */
    public static final long NO_KEY = -1;

    private final int self;
    private final int n;
    private final MacAlgorithm algorithm;
    // Indexed by principal id; grown on demand (ids are dense: replicas then clients).
    private MacFunction[] send = new MacFunction[0];
    private MacFunction[] receive = new MacFunction[0];
    private long[] sendEpoch = new long[0];
    private long[] receiveEpoch = new long[0];

    public SessionKeys(int self, int n, MacAlgorithm algorithm) {
        if (n < 1) throw new IllegalArgumentException("n must be positive");
        if (self < 0) throw new IllegalArgumentException("principal ids are non-negative");
        this.self = self;
        this.n = n;
        this.algorithm = java.util.Objects.requireNonNull(algorithm);
    }

    public SessionKeys(int self, int n) { this(self, n, MacAlgorithm.DEFAULT); }

    @Override public int self() { return self; }

    @Override public int tagLength() { return MacAlgorithm.TAG_LENGTH; }

    public MacAlgorithm algorithm() { return algorithm; }

    public boolean isReplica(int principal) { return principal >= 0 && principal < n; }

    /** Replica-replica: install k_{peer,self}, chosen by self, for messages from {@code peer}. */
    public void installReceiveKey(int peer, byte[] key, long epoch) {
        requireReplicaPair(peer);
        ensure(peer);
        receive[peer] = algorithm.newFunction(key);
        receiveEpoch[peer] = epoch;
    }

    /** Replica-replica: install k_{self,peer}, chosen by {@code peer}, for messages to {@code peer}. */
    public void installSendKey(int peer, byte[] key, long epoch) {
        requireReplicaPair(peer);
        ensure(peer);
        send[peer] = algorithm.newFunction(key);
        sendEpoch[peer] = epoch;
    }

    /** Client-replica: install the one key (chosen by the client) for both directions. */
    public void installPairKey(int peer, byte[] key, long epoch) {
        if (peer == self || isReplica(peer) == isReplica(self))
            throw new IllegalArgumentException("pair keys are between a client and a replica: " + self + ", " + peer);
        ensure(peer);
        // Two engines with the same key: a MacFunction has one scratch state, and keeping the
        // directions separate keeps the rest of the class uniform.
        send[peer] = algorithm.newFunction(key);
        receive[peer] = algorithm.newFunction(key);
        sendEpoch[peer] = epoch;
        receiveEpoch[peer] = epoch;
    }

    /**
     * Forgets both keys for {@code peer}: a replica discards a client's key when the client has not
     * refreshed it within the system-defined period (section 4.1), forcing a new NEW-KEY.
     */
    public void discard(int peer) {
        if (peer < 0 || peer >= send.length) return;
        send[peer] = null;
        receive[peer] = null;
        sendEpoch[peer] = NO_KEY;
        receiveEpoch[peer] = NO_KEY;
    }

    /** Counter of the NEW-KEY that installed the key for sending to {@code peer}, or {@link #NO_KEY}. */
    public long sendEpoch(int peer) { return peer >= 0 && peer < send.length && send[peer] != null ? sendEpoch[peer] : NO_KEY; }

    /** Counter of the NEW-KEY that installed the key for receiving from {@code peer}, or {@link #NO_KEY}. */
    public long receiveEpoch(int peer) { return peer >= 0 && peer < receive.length && receive[peer] != null ? receiveEpoch[peer] : NO_KEY; }

    @Override public boolean canSendTo(int peer) { return peer >= 0 && peer < send.length && send[peer] != null; }

    @Override public boolean canReceiveFrom(int peer) { return peer >= 0 && peer < receive.length && receive[peer] != null; }

    @Override public void mac(int peer, byte[] data, int off, int len, byte[] out, int outOff) {
        if (!canSendTo(peer)) throw new IllegalStateException("no session key for sending from " + self + " to " + peer);
        send[peer].mac(data, off, len, out, outOff);
    }

    /** False (never throws) when there is no key, the ranges are out of bounds, or the tag is wrong. */
    @Override public boolean verify(int peer, byte[] data, int off, int len, byte[] tag, int tagOff) {
        if (!canReceiveFrom(peer) || data == null || tag == null) return false;
        if (off < 0 || len < 0 || off > data.length - len) return false;
        return receive[peer].verify(data, off, len, tag, tagOff);
    }

    private void requireReplicaPair(int peer) {
        if (peer == self || !isReplica(peer) || !isReplica(self))
            throw new IllegalArgumentException("directional keys are between two distinct replicas: " + self + ", " + peer);
    }

    private void ensure(int peer) {
        if (peer < send.length) return;
        int size = Math.max(peer + 1, Math.max(n, send.length * 2));
        send = Arrays.copyOf(send, size);
        receive = Arrays.copyOf(receive, size);
        int old = sendEpoch.length;
        sendEpoch = Arrays.copyOf(sendEpoch, size);
        receiveEpoch = Arrays.copyOf(receiveEpoch, size);
        Arrays.fill(sendEpoch, old, size, NO_KEY);
        Arrays.fill(receiveEpoch, old, size, NO_KEY);
    }
}
