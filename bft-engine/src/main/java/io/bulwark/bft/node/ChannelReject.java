package io.bulwark.bft.node;

/** Why {@link ChannelGuard} dropped a frame or closed a connection (issue 20); counted per reason. */
public enum ChannelReject {
    /** A protocol frame on a connection nobody has proven to be on yet (NEW-KEY and the binding handshake excepted). */
    UNBOUND_FRAME,
    /** A frame in another principal's name on a connection bound to someone else (a replica may relay a client's REQUEST). */
    WRONG_SENDER,
    /** A BIND-PROOF whose MAC does not verify (or for which we hold no key): the connection is closed. */
    BAD_PROOF,
    /** A BIND-PROOF naming another connection's challenge or another acceptor (a replayed proof): the connection is closed. */
    WRONG_CHALLENGE,
    /** A challenge on a connection we accepted, a proof on one we dialed, or a second one of either. */
    UNEXPECTED_HANDSHAKE,
    /**
     * On a replica's peer listener (issue 15), a NEW-KEY or BIND-PROOF in the name of a principal that
     * is not a replica (or, under TLS, a completed handshake of one): dropped unread, a proof closes the connection.
     */
    NOT_A_REPLICA,
    /** On a replica's client listener while replicas have their own (issue 15), a replica's NEW-KEY or BIND-PROOF: likewise. */
    REPLICA_ON_CLIENT_PORT
}
