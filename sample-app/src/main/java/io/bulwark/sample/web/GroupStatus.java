package io.bulwark.sample.web;

import java.util.List;

/**
 * The replica group as this server sees it ({@link BankClients#group}): view and primary are null until a
 * certified reply has been received. No stable checkpoint: no client of the group learns it.
 */
public record GroupStatus(int n, int f, Long view, Integer primary, int connectedClients, List<Replica> replicas) {
    public record Replica(int id, String host, int port, boolean reachable) {}
}
