package io.bulwark.sample.web;

import java.util.List;

/**
 * The replica group as this server sees it ({@link BankClients#group}): view and primary are null until a
 * certified reply has been received.
 */
public record GroupStatus(int n, int f, Long view, Integer primary, int connectedClients, List<Replica> replicas) {
    /**
     * One replica: whether its port accepts connections now, and what it says of itself in answer to this user's
     * client's STATUS-QUERY (authenticated by the replica's MAC, but one replica's own word: a faulty one can lie
     * here; null fields when it did not answer within the bound). {@code state} is normal, changing view, fetching
     * state, recovering or corrupt; {@code recoveries} are its own recoveries (section 4.4) completed on its data dir,
     * across restarts (every restart on saved state is one), {@code recoveriesSeen} the other replicas' it saw complete
     * since its process started.
     */
    public record Replica(int id, String host, int port, boolean reachable, Long reportedView, Long stableCheckpoint,
                          Long lastExecuted, String state, Long recoveries, Long recoveriesSeen) {}
}
