package io.bulwark.bft.node;

import io.bulwark.bft.config.ClusterConfig;
import io.bulwark.bft.crypto.CoProcessorException;
import io.bulwark.bft.msg.BindChallenge;
import io.bulwark.bft.msg.BindProof;
import io.bulwark.bft.msg.MessageType;
import io.bulwark.bft.wire.Frame;
import java.util.function.LongSupplier;

/**
 * Channel binding (issue 20): which principal is on which connection, decided only by proof.
 * <p>
 * A NEW-KEY is public and has no per-connection freshness, so anyone can replay it on a
 * connection of their own; before this class, a replica bound such a connection to the NEW-KEY's
 * sender and routed everything for that principal to the attacker. Now:
 * <ol>
 *   <li>the acceptor sends a fresh random BIND-CHALLENGE on every connection it accepts;</li>
 *   <li>the dialer sends its NEW-KEY (a replica acceptor answers with its own, once per connection,
 *       so a replica dialer holds a current key for it) and, once it holds the challenge and a
 *       current key, a BIND-PROOF naming both ends, the challenge and a nonce of its own, with a
 *       MAC under its session key to the acceptor — something only the key's holder can make,
 *       valid on this one connection;</li>
 *   <li>the acceptor binds the connection to the proof's principal only if the MAC verifies and
 *       the challenge is this connection's. The dialer treats its own connection as its peer's
 *       once it sent the proof (TCP order makes everything after it arrive bound).</li>
 * </ol>
 * <b>Under TLS</b> ({@link #tlsAccepted}, {@link #tlsDialed}) the TLS handshake already proved, on
 * this very connection, that the peer holds the private key pinned for its principal (its
 * CertificateVerify signs the handshake transcript, unique to the connection), which is strictly
 * stronger than a BIND-PROOF: the challenge and proof are skipped, not sent, and refused if they
 * arrive (UNEXPECTED_HANDSHAKE). The NEW-KEY exchange stays (it carries the MAC keys).
 * <p>
 * Frames on a connection not bound are dropped without any MAC work (NEW-KEY and the handshake
 * excepted); on a bound one, only frames in the peer's name are taken (a replica may relay a
 * client's REQUEST; it is then delivered as from the replica, not as the client's own copy).
 * <b>Listeners</b> (issue 15): an accepted channel admits only the principals of the listener it came
 * in on ({@link Admission}): with peer addresses configured, replicas on a replica's peer listener and
 * clients on its client listener; a NEW-KEY or BIND-PROOF in another's name is refused on its header.
 * Every rejection is counted by reason. Pure: no I/O, randomness as an input; shared by the
 * runtime and the simulator. Not thread-safe (one event loop).
 */
public final class ChannelGuard {
    private final Endpoint endpoint;
    private final ClusterConfig cluster;
    private final int self;
    private final LongSupplier random;
    private final ChannelCounters counters = new ChannelCounters();

    public ChannelGuard(Endpoint endpoint, LongSupplier random) {
        this.endpoint = endpoint;
        this.cluster = endpoint.config();
        this.self = endpoint.self();
        this.random = random;
    }

    public ChannelCounters counters() { return counters; }

    public Endpoint endpoint() { return endpoint; }

    /** A connection we accepted on a listener that admits anyone; see {@link #accepted(Admission)}. */
    public Channel accepted() { return accepted(Admission.ALL); }

    /**
     * A connection we accepted on a listener that admits {@code admission}: its state, with a fresh
     * challenge; send {@link #challengeFrame} on it. A NEW-KEY or proof in the name of a principal the
     * listener does not admit is refused before any signature or MAC work (issue 15).
     */
    public Channel accepted(Admission admission) {
        Channel ch = new Channel(false, Channel.UNBOUND);
        ch.admission = java.util.Objects.requireNonNull(admission);
        ch.challengeHi = random.getAsLong();
        ch.challengeLo = random.getAsLong();
        ch.challenged = true;
        return ch;
    }

    /** The challenge frame of an accepted channel. */
    public byte[] challengeFrame(Channel ch) {
        if (ch.dialed) throw new IllegalArgumentException("only an acceptor challenges");
        return endpoint.sealChallenge(new BindChallenge(self, ch.challengeHi, ch.challengeLo));
    }

    /** A connection we dialed to {@code peer}: its state; send our NEW-KEY on it ({@link Endpoint#newKeyFrame}). */
    public Channel dialed(int peer) { return new Channel(true, peer); }

    /**
     * A connection we accepted whose TLS handshake authenticated {@code peer}: its frames are taken
     * at once, no challenge; it becomes the route once the peer's NEW-KEY arrived on it (so nothing
     * goes out to the peer under a key it no longer holds, as with a plaintext proof).
     */
    public Channel tlsAccepted(int peer) { return tlsAccepted(peer, Admission.ALL); }

    /**
     * As above, on a listener that admits {@code admission}; null (counted) if the handshake
     * authenticated a principal the listener does not admit: close the connection. (The transport's
     * trust manager refuses such a key during the handshake; this is the second lock on that door.)
     */
    public Channel tlsAccepted(int peer, Admission admission) {
        if (!admission.admits(cluster, peer)) {
            counters.reject(admission.refusal());
            return null;
        }
        Channel ch = new Channel(false, peer);
        ch.admission = admission;
        ch.tls = true;
        ch.bound = true;
        ch.routePending = true;
        ch.challenged = true;   // a BIND-CHALLENGE or BIND-PROOF on it is unexpected
        counters.bound();
        return ch;
    }

    /**
     * A connection we dialed to {@code peer} whose TLS handshake proved {@code peer} is on it: its
     * frames are taken at once; send our NEW-KEY, then apply {@link #tlsRoute} (it becomes the
     * route once we hold a current key to the peer, as for a plaintext dialer's proof).
     */
    public Channel tlsDialed(int peer) {
        Channel ch = new Channel(true, peer);
        ch.tls = true;
        ch.bound = true;
        ch.challenged = true;
        ch.routePending = true;
        counters.bound();
        return ch;
    }

    /** A TLS dialed channel: Bind (make it the route) once we hold a current key to the peer, else nothing yet. */
    public ChannelVerdict tlsRoute(Channel ch) {
        if (!ch.routePending) return ChannelVerdict.NOTHING;
        // Replica to replica, the key we send with is chosen by the peer: wait for its NEW-KEY on this connection.
        if (cluster.isReplica(self) && !ch.peerKeySeen) return ChannelVerdict.NOTHING;
        if (!endpoint.canSendTo(ch.peer)) return ChannelVerdict.NOTHING;
        ch.routePending = false;
        return new ChannelVerdict.Bind(ch.peer, null);
    }

    /** Decides what a frame that arrived on {@code ch} means. Never throws on hostile input. */
    public ChannelVerdict onFrame(Channel ch, byte[] buf, int off, int len) {
        if (len < Frame.HEADER_BYTES) {
            endpoint.open(buf, off, len);   // rejected and counted by the frame layer
            return ChannelVerdict.NOTHING;
        }
        MessageType type = MessageType.ofCode(buf[off + Frame.OFF_TYPE] & 0xff);
        // Issue 15: a listener's principals only; refused on the header, before a signature is checked or a key installed.
        if ((type == MessageType.NEW_KEY || type == MessageType.BIND_PROOF) && !ch.dialed && !ch.admission.admits(cluster, senderOf(buf, off)))
            return type == MessageType.BIND_PROOF ? close(ch.admission.refusal()) : drop(ch.admission.refusal());
        if (type == MessageType.NEW_KEY) return newKey(ch, endpoint.open(buf, off, len));
        if (type == MessageType.BIND_CHALLENGE) return challenge(ch, buf, off, len);
        if (type == MessageType.BIND_PROOF) return proof(ch, buf, off, len);
        // Not bound: dropped before any MAC is computed, so injected frames cost a header read.
        if (!ch.bound) return drop(ChannelReject.UNBOUND_FRAME);
        int sender = senderOf(buf, off);
        boolean relayed = type == MessageType.REQUEST && cluster.isReplica(ch.peer) && sender != ch.peer;
        if (sender != ch.peer && !relayed) return drop(ChannelReject.WRONG_SENDER);
        if (endpoint.open(buf, off, len) instanceof Inbound.Deliver d) {
            return new ChannelVerdict.Deliver(relayed ? ch.peer : d.from(), d.message(), d.unverified());
        }
        return ChannelVerdict.NOTHING;
    }

    private ChannelVerdict newKey(Channel ch, Inbound in) {
        if (!(in instanceof Inbound.KeyEstablished k)) return ChannelVerdict.NOTHING;
        if (!ch.dialed) {
            // A replica dialer needs our current key to prove itself to us: answer once per connection
            // (our NEW-KEY is public; a replay costs us one small frame on the replayer's own socket).
            byte[] reply = null;
            if (cluster.isReplica(k.from()) && cluster.isReplica(self) && !ch.newKeySent) {
                ch.newKeySent = true;
                try {
                    reply = endpoint.newKeyFrame();
                } catch (CoProcessorException e) {
                    reply = null;
                }
            }
            // A client's NEW-KEY (new or repeated) is answered with a KEY-ACK under the key it carried
            // (issue 15 item 2: the client sends requests once the replicas hold its key), on the
            // connection it came on if that is the client's: TLS proved who is on it, or a BIND-PROOF
            // bound it (a plaintext connection is still unbound here: the ack goes with the binding,
            // see proof). A replayed NEW-KEY on someone else's connection gets nothing.
            if (!cluster.isReplica(k.from()) && cluster.isReplica(self) && ch.bound && ch.peer == k.from())
                reply = endpoint.sealKeyAck(k.from());
            // TLS: the peer's own NEW-KEY on its authenticated connection: it becomes the route (after our answer).
            if (ch.tls && ch.routePending && k.from() == ch.peer && endpoint.canSendTo(ch.peer)) {
                ch.routePending = false;
                return new ChannelVerdict.Bind(ch.peer, reply);
            }
            return reply == null ? ChannelVerdict.NOTHING : new ChannelVerdict.Reply(reply);
        }
        if (k.from() == ch.peer) {
            ch.peerKeySeen = true;
            return ch.tls ? tlsRoute(ch) : maybeProve(ch);
        }
        return ChannelVerdict.NOTHING;
    }

    private ChannelVerdict challenge(Channel ch, byte[] buf, int off, int len) {
        if (!ch.dialed || ch.challenged) return drop(ChannelReject.UNEXPECTED_HANDSHAKE);
        if (!(endpoint.open(buf, off, len) instanceof Inbound.Deliver d) || !(d.message() instanceof BindChallenge c))
            return ChannelVerdict.NOTHING;
        if (c.replica() != ch.peer) return drop(ChannelReject.WRONG_CHALLENGE);
        ch.challengeHi = c.hi();
        ch.challengeLo = c.lo();
        ch.challenged = true;
        return maybeProve(ch);
    }

    /** Dialer: proves itself once it holds the challenge and a current key to the peer. */
    private ChannelVerdict maybeProve(Channel ch) {
        if (ch.bound || !ch.challenged) return ChannelVerdict.NOTHING;
        // Replica to replica, the key we send with is chosen by the peer: wait for its NEW-KEY on this
        // connection (it always answers ours), so a key from before the peer restarted is not used.
        if (cluster.isReplica(self) && !ch.peerKeySeen) return ChannelVerdict.NOTHING;
        if (!endpoint.canSendTo(ch.peer)) return ChannelVerdict.NOTHING;
        BindProof p = new BindProof(self, ch.peer, ch.challengeHi, ch.challengeLo, random.getAsLong(), random.getAsLong());
        byte[] frame = endpoint.sealTo(ch.peer, p);
        ch.bound = true;
        counters.bound();
        return new ChannelVerdict.Bind(ch.peer, frame);
    }

    private ChannelVerdict proof(Channel ch, byte[] buf, int off, int len) {
        if (ch.dialed || ch.bound) return drop(ChannelReject.UNEXPECTED_HANDSHAKE);
        // The frame layer checks the MAC under the claimed principal's key (and counts a failure).
        if (!(endpoint.open(buf, off, len) instanceof Inbound.Deliver d) || !(d.message() instanceof BindProof p))
            return close(ChannelReject.BAD_PROOF);
        if (p.acceptor() != self || p.challengeHi() != ch.challengeHi || p.challengeLo() != ch.challengeLo)
            return close(ChannelReject.WRONG_CHALLENGE);
        if (!ch.admission.admits(cluster, p.principal())) return close(ch.admission.refusal());
        ch.peer = p.principal();
        ch.bound = true;
        counters.bound();
        // A client proved itself: the KEY-ACK for the key it announced goes first (see newKey).
        byte[] ack = cluster.isReplica(p.principal()) || !cluster.isReplica(self) ? null : endpoint.sealKeyAck(p.principal());
        return new ChannelVerdict.Bind(p.principal(), ack);
    }

    private ChannelVerdict drop(ChannelReject reason) {
        counters.reject(reason);
        return new ChannelVerdict.Drop(reason);
    }

    private ChannelVerdict close(ChannelReject reason) {
        counters.reject(reason);
        return new ChannelVerdict.Close(reason);
    }

    private static int senderOf(byte[] buf, int off) {
        int o = off + Frame.OFF_SENDER;
        return (buf[o] & 0xff) << 24 | (buf[o + 1] & 0xff) << 16 | (buf[o + 2] & 0xff) << 8 | (buf[o + 3] & 0xff);
    }
}
