package io.bulwark.bft.sim;

import io.bulwark.bft.crypto.MacAlgorithm;
import io.bulwark.bft.msg.Message;
import io.bulwark.bft.msg.MessageCodec;
import io.bulwark.bft.msg.Request;
import java.util.List;
import io.bulwark.bft.node.Channel;
import io.bulwark.bft.node.ChannelGuard;
import io.bulwark.bft.node.ChannelVerdict;
import io.bulwark.bft.node.Endpoint;
import io.bulwark.bft.node.Inbound;

/**
 * A link through the real authenticated frame layer: messages are encoded and MAC'd by the
 * sender's {@link Endpoint} and decoded and verified by the receiver's, so every simulated message
 * exercises the codec and the session keys established by NEW-KEY.
 */
final class WireLink implements Link {
    private final Endpoint endpoint;
    private final ChannelGuard guard;
    private final int replicas;
    private long rejected;

    WireLink(ChannelGuard guard, int replicas) {
        this.endpoint = guard.endpoint();
        this.guard = guard;
        this.replicas = replicas;
    }

    /** Runs the replayed frames through this principal's real channel binding on a fresh accepted channel. */
    @Override public boolean bindsOnNewLink(List<Object> payloads) {
        Channel ch = guard.accepted();
        for (Object p : payloads) {
            byte[] f = (byte[]) p;
            ChannelVerdict v = guard.onFrame(ch, f, 0, f.length);
            if (v instanceof ChannelVerdict.Bind) return true;
            if (v instanceof ChannelVerdict.Close) return false;
        }
        return false;
    }

    @Override public Object sealTo(int to, Message m) { return endpoint.sealTo(to, m); }

    @Override public Object sealMulticast(Message m) { return endpoint.sealMulticast(m); }

    /**
     * Seals the request with a genuine authenticator, then spoils the entries of the replicas
     * outside {@code validAt}. The authenticator is the frame's tail: n entries of one tag each,
     * entry j for replica j (see {@code Wire.sealRequest}).
     */
    @Override public Object sealRequestValidAt(Request r, long validAt) {
        byte[] frame = endpoint.sealTo(0, r);
        int tag = MacAlgorithm.TAG_LENGTH;
        int authOff = frame.length - replicas * tag;
        if (authOff < MessageCodec.requestAuthedLength(r)) throw new IllegalStateException("unexpected request frame layout");
        for (int j = 0; j < replicas; j++) if ((validAt & (1L << j)) == 0) frame[authOff + j * tag] ^= 0x5a;
        return frame;
    }

    @Override public boolean modelsSessionKeys() { return true; }

    @Override public NewKeyPayload refreshKey() {
        try {
            endpoint.refreshKeys();
            return new NewKeyPayload(endpoint.newKeyFrame(), endpoint.newKeyCounter());
        } catch (io.bulwark.bft.crypto.CoProcessorException e) {
            throw new IllegalStateException(e);   // an in-memory co-processor
        }
    }

    @Override public Object keyAck(int client) { return endpoint.sealKeyAck(client); }

    @Override public void onClientKey(java.util.function.IntConsumer listener) { endpoint.onClientKey(listener); }

    @Override public boolean authenticates(Request r) { return endpoint.authenticates(r); }

    @Override public Received open(Object payload) {
        byte[] frame = (byte[]) payload;
        Inbound in = endpoint.open(frame, 0, frame.length);
        if (in instanceof Inbound.Deliver d) return new Received(d.from(), d.message(), d.unverified());
        if (in instanceof Inbound.KeyEstablished k) return Received.key(k.from());
        rejected++;
        return null;
    }

    @Override public long rejected() { return rejected; }

    @Override public java.util.Map<String, Long> rejectionCounts() {
        java.util.Map<String, Long> m = new java.util.TreeMap<>(endpoint.wire().counters().snapshot());
        endpoint.keyResults().forEach((result, n) -> {
            if (result != io.bulwark.bft.keys.NewKeyResult.ACCEPTED && result != io.bulwark.bft.keys.NewKeyResult.DUPLICATE) m.put("NEW_KEY_" + result.name(), n);
        });
        return m;
    }

    @Override public long newKeyCounter() { return endpoint.newKeyCounter(); }

    @Override public long lastNewKeyCounterFrom(int principal) { return endpoint.lastNewKeyCounters().getOrDefault(principal, 0L); }

    @Override public Object currentNewKey() {
        try {
            return endpoint.newKeyFrame();
        } catch (io.bulwark.bft.crypto.CoProcessorException e) {
            throw new IllegalStateException(e);   // an in-memory co-processor
        }
    }

    /** This link's endpoint (the simulator hands a compromised replica's old one to the adversary). */
    Endpoint endpoint() { return endpoint; }

    @Override public String rejections() {
        return "rejected=" + endpoint.wire().counters().snapshot() + (guard.counters().snapshot().isEmpty() ? "" : " channels=" + guard.counters().snapshot());
    }
}
