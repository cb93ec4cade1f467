package io.bulwark.bft.sim;

import io.bulwark.bft.msg.Message;
import io.bulwark.bft.msg.Request;
import java.util.BitSet;
import java.util.List;
import java.util.SplittableRandom;

/**
 * How a simulated node turns messages into what travels on the simulated network and back.
 * {@link PlainLink} passes the records themselves; {@link WireLink} uses the real frame codec and
 * MACs, so the simulator exercises authentication and decoding too. Both model what adversaries
 * do to authentication (forged MACs, authenticators valid at some replicas only), the plain link
 * with markers that its {@link #open} rejects where a MAC check would fail.
 */
interface Link {
    /** The payload of a message to one receiver. */
    Object sealTo(int to, Message m);

    /** The payload of a message to every replica (one authenticator, computed once). */
    Object sealMulticast(Message m);

    /**
     * The payload of a client's request (auth null, the sender is the client) whose authenticator
     * verifies only at the replicas in {@code validAt} (bit set): Aardvark's "big MAC".
     */
    Object sealRequestValidAt(Request r, long validAt);

    /** Opens a payload from the network: the authenticated message, or null if rejected (counted). */
    Received open(Object payload);

    /**
     * Replays {@code payloads} on a new link accepted by this (replica's) side; true if it bound the
     * link to some principal. Plain links model no connections: false.
     */
    default boolean bindsOnNewLink(List<Object> payloads) { return false; }

    /** Payloads this link rejected. */
    long rejected();

    /** A NEW-KEY with fresh keys (the payload to send every replica) and its co-processor counter. */
    record NewKeyPayload(Object payload, long counter) {}

    /**
     * A client: makes fresh session keys and returns the NEW-KEY that carries them (a new process
     * under the same client id). Only links that model keys can.
     */
    /** Whether this link models session keys (the wire links do): {@link #refreshKey} works only then. */
    default boolean modelsSessionKeys() { return false; }

    default NewKeyPayload refreshKey() { throw new UnsupportedOperationException("this link models no session keys (use the wire links)"); }

    /** A replica: the KEY-ACK payload for {@code client}'s current key, or null if it holds none. */
    default Object keyAck(int client) { return null; }

    /** A replica: {@code listener} is told each client whose NEW-KEY installed a new key here. */
    default void onClientKey(java.util.function.IntConsumer listener) {}

    /** A replica: whether its entry of {@code r}'s client authenticator verifies under the key held now. */
    default boolean authenticates(Request r) { return false; }

    /** Rejections by reason, for reports. */
    default String rejections() { return "rejected=" + rejected(); }

    /**
     * Rejections so far by reason (the frame layer's reasons, and NEW-KEY outcomes other than
     * accepted or duplicate as {@code NEW_KEY_<outcome>}): what the compromised-replica oracle diffs
     * around one delivery. Plain links model no reasons: everything is {@code REJECTED}.
     */
    default java.util.Map<String, Long> rejectionCounts() { return rejected() == 0 ? java.util.Map.of() : java.util.Map.of("REJECTED", rejected()); }

    /** The co-processor counter of this principal's current NEW-KEY (its keys' epoch; 0: none, or a link without keys). */
    default long newKeyCounter() { return 0; }

    /** A replica: the counter of the last NEW-KEY it accepted from {@code principal} (0: none, or a link without keys). */
    default long lastNewKeyCounterFrom(int principal) { return 0; }

    /** This principal's current NEW-KEY payload (null: a link without keys). */
    default Object currentNewKey() { return null; }

    /**
     * An authenticated message; {@code unverified} as in {@code Opened.Accepted} (pre-prepares only,
     * else null). A NEW-KEY that was taken comes out with a null message ({@link #isKey}).
     */
    record Received(int from, Message message, BitSet unverified) {
        Received(int from, Message message) { this(from, message, null); }

        static Received key(int from) { return new Received(from, null, null); }

        /** A NEW-KEY from {@code from}, taken (new or repeated). */
        boolean isKey() { return message == null; }
    }

    /** A forgery made from a genuine payload (see {@link io.bulwark.bft.sim.adversary.NetworkTap.TapContext#forge}). */
    static Object forge(Object payload, SplittableRandom rnd) {
        if (payload instanceof byte[] frame) {
            byte[] f = frame.clone();
            if (rnd.nextInt(4) == 0 && f.length > 6) {
                // Claim another sender (bytes 2..5 of the header): the MAC no longer matches.
                f[5] ^= (byte) (1 + rnd.nextInt(3));
            } else {
                int i = rnd.nextInt(f.length);
                f[i] ^= (byte) (1 << rnd.nextInt(8));
            }
            return f;
        }
        return new PlainLink.Forged(payload);
    }

    /** Whether a payload would authenticate at a receiver other than the one it was sent to. */
    static boolean replayableElsewhere(Object payload) {
        if (payload instanceof byte[] frame) return frame.length > 6 && frame[6] != 1;   // not a single MAC (AuthKind.MAC = 1)
        return false;
    }
}
