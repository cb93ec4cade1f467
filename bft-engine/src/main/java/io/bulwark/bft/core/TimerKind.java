package io.bulwark.bft.core;

/** The timers a core may arm; each kind has at most one pending deadline. */
public enum TimerKind {
    /** Replica: multicast a STATUS message (section 4.6.1). */
    STATUS,
    /**
     * Replica: the view-change timer of section 4.5 and [6] — a backup that knows of a request not
     * yet executed, or that is waiting for a NEW-VIEW, suspects the primary when it fires.
     */
    VIEW_CHANGE,
    /**
     * Replica (backup): the oldest request received from its client and not yet pre-prepared must be
     * pre-prepared by this deadline, a fraction of the view-change timeout — so a primary that holds
     * back pre-prepares to just under the view-change timeout is replaced (Aardvark's slow primary).
     */
    ORDERING,
    /** Client: retransmit the outstanding request to all replicas (section 4.2). */
    CLIENT_RETRANSMIT,
    /**
     * Client: its NEW-KEY is not acknowledged by every replica yet — send it again to those that did
     * not, and start sending requests once 2f+1 did and the grace for the rest ran out.
     */
    CLIENT_KEY
}
