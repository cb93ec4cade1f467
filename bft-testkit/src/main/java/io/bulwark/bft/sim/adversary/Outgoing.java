package io.bulwark.bft.sim.adversary;

import io.bulwark.bft.msg.Message;

/**
 * One message a Byzantine replica is about to put on the network: to one principal, or to a set
 * of replicas with one authenticator (a multicast), after an optional delay. The correct core's
 * {@code Send} and {@code Multicast} actions enter a replica's {@link ReplicaBehaviour} chain as
 * these; whatever leaves the chain is sealed with the replica's own keys, so receivers see it as
 * authentic.
 *
 * @param to        the receiver, or {@link #MULTICAST}
 * @param replicas  for a multicast: bit j set when replica j receives it (the sender is skipped)
 * @param delayUs   simulated microseconds to hold the message before sending it
 */
public record Outgoing(Message message, int to, long replicas, long delayUs) {
    public static final int MULTICAST = -1;

    public static Outgoing send(int to, Message m) { return new Outgoing(m, to, 0, 0); }

    public static Outgoing multicast(Message m, int n) { return new Outgoing(m, MULTICAST, allReplicas(n), 0); }

    public static long allReplicas(int n) { return n >= 64 ? -1L : (1L << n) - 1; }

    public boolean isMulticast() { return to == MULTICAST; }

    public Outgoing withMessage(Message m) { return new Outgoing(m, to, replicas, delayUs); }

    public Outgoing withReplicas(long mask) { return new Outgoing(message, MULTICAST, mask, delayUs); }

    public Outgoing delayedBy(long us) { return new Outgoing(message, to, replicas, delayUs + us); }

    /** Whether replica or client {@code principal} receives this. */
    public boolean reaches(int principal) {
        return isMulticast() ? principal >= 0 && principal < 64 && (replicas & (1L << principal)) != 0 : to == principal;
    }
}
