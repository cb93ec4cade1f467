package io.bulwark.bft.node;

import io.bulwark.bft.config.ClusterConfig;

/**
 * Who may be on a connection a replica accepts, by the listener it came in on (issue 15). With
 * peer addresses in {@code cluster.conf}, replica traffic has a listener of its own that admits
 * only the configured replicas, and the client listener admits only clients, so a flood of the
 * client port never costs the connections agreement runs on (Aardvark separates client and replica
 * traffic likewise). Without them, one listener admits everyone, as before.
 */
public enum Admission {
    /** One shared listener (a cluster.conf without peer addresses): anyone configured. */
    ALL(null),
    /** A replica's peer listener: replicas only. */
    REPLICAS(ChannelReject.NOT_A_REPLICA),
    /** A replica's client listener when replicas have their own: clients only. */
    CLIENTS(ChannelReject.REPLICA_ON_CLIENT_PORT);

    private final ChannelReject refusal;

    Admission(ChannelReject refusal) { this.refusal = refusal; }

    /** Whether {@code principal} may be on a connection accepted on this listener. */
    public boolean admits(ClusterConfig cluster, int principal) {
        return switch (this) {
            case ALL -> true;
            case REPLICAS -> cluster.isReplica(principal);
            case CLIENTS -> !cluster.isReplica(principal);
        };
    }

    /** The reason a principal this listener does not admit is counted under (null for {@link #ALL}, which admits everyone). */
    public ChannelReject refusal() { return refusal; }
}
