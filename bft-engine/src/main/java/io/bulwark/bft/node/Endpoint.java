package io.bulwark.bft.node;

import io.bulwark.bft.config.ClusterConfig;
import io.bulwark.bft.config.ProtocolConfig;
import io.bulwark.bft.crypto.CoProcessor;
import io.bulwark.bft.crypto.CoProcessorException;
import io.bulwark.bft.keys.KeyExchange;
import io.bulwark.bft.keys.NewKeyResult;
import io.bulwark.bft.crypto.SessionKeys;
import io.bulwark.bft.msg.BindChallenge;
import io.bulwark.bft.msg.CodecLimits;
import io.bulwark.bft.msg.KeyAck;
import io.bulwark.bft.msg.Message;
import io.bulwark.bft.msg.NewKey;
import io.bulwark.bft.msg.Request;
import io.bulwark.bft.wire.Opened;
import io.bulwark.bft.wire.Wire;
import java.security.SecureRandom;
import java.util.EnumMap;
import java.util.Map;

/**
 * One principal's authenticated view of the network (section 4.1): seals outgoing messages into
 * frames (an authenticator for multicasts, computed once; a single MAC point to point; the
 * client's authenticator inside requests), opens incoming frames into authenticated messages, and
 * runs the NEW-KEY exchange. Shared by the runtime and the simulator. Not thread-safe.
 */
public final class Endpoint {
    private final int self;
    private final ClusterConfig config;
    private final Wire wire;
    private final KeyExchange kex;
    private final Map<NewKeyResult, Long> keyResults = new EnumMap<>(NewKeyResult.class);
    private NewKey myNewKey;
    private byte[] myNewKeyFrame;
    private java.util.function.IntConsumer clientKeyListener = client -> {};

    public Endpoint(int self, ClusterConfig config, Wire wire, KeyExchange kex) {
        this.self = self;
        this.config = config;
        this.wire = wire;
        this.kex = kex;
    }

    /**
     * The endpoint of principal {@code id}: its session-key ring, its key exchange (signing with
     * {@code coProcessor}) and the frame layer sized for {@code cfg}.
     */
    public static Endpoint create(int id, ClusterConfig cluster, ProtocolConfig cfg, byte[] kexPrivateKey,
                                  CoProcessor coProcessor, SecureRandom random) {
        SessionKeys session = new SessionKeys(id, cluster.n());
        KeyExchange kex = new KeyExchange(id, cluster, kexPrivateKey, coProcessor, session, random);
        return new Endpoint(id, cluster, new Wire(session, cluster.n(), CodecLimits.of(cfg, session.tagLength())), kex);
    }

    public int self() { return self; }

    public Wire wire() { return wire; }

    /** This principal's current NEW-KEY frame, created (and signed) on first use. */
    public byte[] newKeyFrame() throws CoProcessorException {
        if (myNewKeyFrame == null) refreshKeys();
        return myNewKeyFrame;
    }

    /** Creates a NEW-KEY with fresh keys (section 4.1); the caller sends {@link #newKeyFrame()} to every peer. */
    public void refreshKeys() throws CoProcessorException {
        myNewKey = kex.createNewKey();
        myNewKeyFrame = wire.sealNewKey(myNewKey);
    }

    public byte[] sealTo(int to, Message m) {
        if (m instanceof Request r) return sealRequest(r);
        return wire.sealTo(to, m);
    }

    public byte[] sealMulticast(Message m) {
        if (m instanceof Request r) return sealRequest(r);
        return wire.sealMulticast(m);
    }

    private byte[] sealRequest(Request r) { return wire.sealRequest(r); }

    /** Opens one frame. Never throws. */
    public Inbound open(byte[] buf, int off, int len) {
        Opened o = wire.open(buf, off, len);
        if (!(o instanceof Opened.Accepted a)) return Inbound.DROPPED;
        if (a.message() instanceof NewKey k) {
            NewKeyResult r = kex.accept(k);
            keyResults.merge(r, 1L, Long::sum);
            // A NEW-KEY is public and has no per-connection freshness: it binds nothing (issue 20).
            if (r != NewKeyResult.ACCEPTED && r != NewKeyResult.DUPLICATE) return Inbound.DROPPED;
            if (r.accepted() && !config.isReplica(a.sender()) && config.isReplica(self)) clientKeyListener.accept(a.sender());
            return new Inbound.KeyEstablished(a.sender(), r.accepted(), k.counter());
        }
        return new Inbound.Deliver(a.sender(), a.message(), a.unverified());
    }

    /**
     * Called with a client's id each time a NEW-KEY of that client installs a new key here (a replica
     * only): the replica runtime re-checks the client's requests that waited for it
     * ({@code Replica#clientKeyChanged}).
     */
    public void onClientKey(java.util.function.IntConsumer listener) { this.clientKeyListener = java.util.Objects.requireNonNull(listener); }

    /** Whether this replica's entry of {@code r}'s client authenticator verifies under the client's key held now. */
    public boolean authenticates(Request r) { return wire.verifiesRequest(r); }

    /**
     * The KEY-ACK for the last NEW-KEY accepted from client {@code client}, MAC'd under the key it
     * carried (a replica only; null if no key of that client is held).
     */
    public byte[] sealKeyAck(int client) {
        long counter = kex.lastCounterFrom(client);
        if (counter < 1 || !wire.canSendTo(client)) return null;
        return wire.sealTo(client, new KeyAck(self, client, counter));
    }

    /** The co-processor counter of this principal's current NEW-KEY (0 before the first). */
    public long newKeyCounter() { return myNewKey == null ? 0 : myNewKey.counter(); }

    /** The counter of the last NEW-KEY accepted from each sender (to persist: a replayed older NEW-KEY is refused after a restart too). */
    public java.util.Map<Integer, Long> lastNewKeyCounters() { return kex.lastCounters(); }

    /** Restores {@link #lastNewKeyCounters} saved before a restart (never lowers one). */
    public void restoreNewKeyCounters(java.util.Map<Integer, Long> counters) { kex.restoreLastCounters(counters); }

    /** Drops the key shared with client {@code principal} (not refreshed within its period, section 4.1): it must send a NEW-KEY again. */
    public void discardClientKey(int principal) {
        if (config.isReplica(principal)) throw new IllegalArgumentException(principal + " is a replica");
        kex.discardKey(principal);
    }

    /** A frame carrying {@code c} (no MAC: a challenge is a random value, the proof answering it is authenticated). */
    public byte[] sealChallenge(BindChallenge c) { return wire.sealChallenge(c); }

    /** Whether this principal holds a key for sending to {@code peer} (needed to prove itself to it). */
    public boolean canSendTo(int peer) { return wire.canSendTo(peer); }

    public ClusterConfig config() { return config; }

    /** Counts of NEW-KEY outcomes, for metrics. */
    public Map<NewKeyResult, Long> keyResults() { return Map.copyOf(keyResults); }
}
