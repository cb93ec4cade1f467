package io.bulwark.bft.node;

/**
 * The binding state of one connection, kept by {@link ChannelGuard} (the runtime attaches it to a
 * transport connection; the simulator to a simulated link). Not thread-safe.
 */
public final class Channel {
    /** {@link #peer()} of an accepted channel nobody has proven to be on yet. */
    public static final int UNBOUND = -1;

    final boolean dialed;
    int peer;
    boolean bound;
    /** Accepted: the challenge we sent. Dialed: the one we received, if {@link #challenged}. */
    long challengeHi, challengeLo;
    boolean challenged;
    /** Dialed, replica to replica: the peer's NEW-KEY came on this channel, so our key to it is current. */
    boolean peerKeySeen;
    /** Accepted: our NEW-KEY went back on this channel (once). */
    boolean newKeySent;
    /** TLS authenticated who is on it (the binding handshake is skipped). */
    boolean tls;
    /** Dialed under TLS: frames are taken, but it becomes the peer's route only once we hold a current key to it. */
    boolean routePending;

    /** Accepted: who may prove themselves on it, by the listener it came in on ({@link Admission#ALL} for a dialed one). */
    Admission admission = Admission.ALL;

    Channel(boolean dialed, int peer) {
        this.dialed = dialed;
        this.peer = peer;
    }

    /** Who may be on it (an accepted channel: by its listener). */
    public Admission admission() { return admission; }

    /** True if we dialed it (its peer is who we dialed); false if we accepted it. */
    public boolean dialed() { return dialed; }

    /** The principal at the other end: the dialed one, or for an accepted channel the one that proved itself, or {@link #UNBOUND}. */
    public int peer() { return bound || dialed ? peer : UNBOUND; }

    /** Whether frames on it are taken: an accepted channel once its peer proved itself, a dialed one once we sent our proof. */
    public boolean bound() { return bound; }

    @Override public String toString() { return (dialed ? "dialed " : "accepted ") + peer() + (bound ? " bound" : " unbound") + (tls ? " tls" : ""); }
}
