package io.bulwark.bft.core;

/** The timers a core may arm; each kind has at most one pending deadline. */
public enum TimerKind {
    /** Replica: multicast a STATUS message (section 4.6.1). */
    STATUS,
    /** Client: retransmit the outstanding request to all replicas (section 4.2). */
    CLIENT_RETRANSMIT
}
