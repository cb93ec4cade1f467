package io.bulwark.bft.testkit.attack;

import io.bulwark.bft.config.KeyMaterial;
import io.bulwark.bft.config.ProtocolConfig;
import io.bulwark.bft.crypto.CoProcessorException;
import io.bulwark.bft.msg.Message;
import io.bulwark.bft.msg.MessageCodec;
import io.bulwark.bft.msg.Request;
import io.bulwark.bft.net.EventLoop;
import io.bulwark.bft.node.BftClient;
import io.bulwark.bft.node.OutboundInterceptor;
import io.bulwark.bft.node.Outlet;
import io.bulwark.bft.wire.Frame;
import java.util.function.IntPredicate;

/**
 * A client mounting the "big MAC" attack (Aardvark, Clement et al., NSDI 2009): its requests carry
 * valid authenticator entries only for the replicas {@code validFor} accepts (asked on the event
 * loop each time a request is sealed, e.g. "the current primary"); the other entries are
 * corrupted. The primary, which can check its entry, orders the request, and the backups then
 * reject the whole pre-prepare. Its calls through {@link #client()} normally never complete;
 * {@link #sendUntracked} is the attacker at full strength.
 */
public final class BigMacClient implements AutoCloseable {
    private final Corrupter corrupter;
    private final BftClient client;

    private BigMacClient(Corrupter corrupter, BftClient client) {
        this.corrupter = corrupter;
        this.client = client;
    }

    /** Connects the attacker as client {@code keys.id()} on {@code loop} (the caller closes the loop). */
    public static BigMacClient connect(KeyMaterial keys, ProtocolConfig cfg, EventLoop loop, IntPredicate validFor)
            throws CoProcessorException {
        Corrupter c = new Corrupter(validFor);
        return new BigMacClient(c, BftClient.connect(keys, cfg, loop, c));
    }

    /** The attacker's client: its invocations are sealed with the corrupted authenticator. */
    public BftClient client() { return client; }

    /**
     * Sends a new ordered request for {@code operation} to every replica now, with a fresh
     * timestamp, and neither waits for nor tracks its result; its authenticator is corrupted like
     * the others. Many such requests may be outstanding at once; there is no retransmission backoff.
     */
    public void sendUntracked(byte[] operation) { corrupter.sendUntracked(operation.clone()); }

    @Override public void close() { client.close(); }

    /** Corrupts the client's own request authenticators and sends the untracked requests. */
    private static final class Corrupter implements OutboundInterceptor {
        private final IntPredicate validFor;
        private volatile Outlet outlet;
        /** Timestamps of untracked requests, above any the core uses (its start is the clock in µs); guarded by this. */
        private long untrackedTimestamp;

        Corrupter(IntPredicate validFor) { this.validFor = validFor; }

        @Override public void attached(Outlet outlet) { this.outlet = outlet; }

        /** Timestamps are taken and the sends queued in one step, so the replicas see them in increasing order. */
        synchronized void sendUntracked(byte[] op) {
            if (untrackedTimestamp == 0) untrackedTimestamp = System.currentTimeMillis() * 1000 + 1_000_000_000L;
            outlet.multicast(new Request(outlet.self(), ++untrackedTimestamp, false, Request.ALL_REPLY, op, null));
        }

        @Override public byte[] onSealed(Message message, byte[] frame) {
            if (!(message instanceof Request r) || r.auth() != null || r.client() != outlet.self()) return frame;
            // The frame ends with the client's authenticator: n entries of equal length (Wire.sealRequest).
            byte[] out = frame.clone();
            int n = outlet.replicas();
            int authBytes = out.length - Frame.HEADER_BYTES - MessageCodec.requestAuthedLength(r) - 2;
            int tag = authBytes / n;
            int authOff = out.length - authBytes;
            for (int j = 0; j < n; j++) {
                if (validFor.test(j)) continue;
                for (int b = 0; b < tag; b++) out[authOff + j * tag + b] ^= (byte) 0x5a;
            }
            return out;
        }
    }
}
