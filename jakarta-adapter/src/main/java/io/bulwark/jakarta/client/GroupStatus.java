package io.bulwark.jakarta.client;

import java.util.SortedMap;
import java.util.SortedSet;

/**
 * Which replicas answered a STATUS-QUERY within the bound ({@link BulwarkClient#groupStatus}). The group can order
 * requests only while 2f+1 replicas take part (section 2 of the paper: a quorum of 2f+1 out of 3f+1), so this
 * client is ready when at least that many answer.
 *
 * @param answering the replicas that answered, with the view each reported
 * @param silent the replicas that did not, with why (timed out, not connected, ...)
 */
public record GroupStatus(int n, int f, SortedMap<Integer, Long> answering, SortedMap<Integer, String> silent) {
    public GroupStatus {
        answering = java.util.Collections.unmodifiableSortedMap(new java.util.TreeMap<>(answering));
        silent = java.util.Collections.unmodifiableSortedMap(new java.util.TreeMap<>(silent));
    }

    /** 2f+1. */
    public int quorum() { return 2 * f + 1; }

    /** Whether a quorum of replicas answered. */
    public boolean ready() { return answering.size() >= quorum(); }

    public SortedSet<Integer> answeringReplicas() { return (SortedSet<Integer>) answering.keySet(); }

    @Override public String toString() {
        return answering.size() + " of " + n + " replicas answered (quorum " + quorum() + "): " + answering.keySet()
                + (silent.isEmpty() ? "" : "; silent " + silent);
    }

}
