package io.bulwark.bft.core;

import java.util.Arrays;

/**
 * Votes of the replicas on one question (section 4.2's certificates; Castro's {@code Certificate<T>},
 * etcd's {@code quorum/}): at most one vote per replica, the first one counts, and a value is
 * certified once enough replicas voted for it (matching by {@link Object#equals}). The quorum size
 * is the caller's (from {@code ProtocolConfig}); some certificates leave out replicas whose votes
 * do not count there (the primary's prepare, a replica's own digest).
 *
 * @param <T> the value voted for: a digest, or a (view, digest) pair
 */
final class Certificate<T> {
    private final Object[] votes;

    Certificate(int n) { this.votes = new Object[n]; }

    /** Records {@code replica}'s vote unless it has one already (the first counts); true if recorded. */
    boolean add(int replica, T value) {
        if (votes[replica] != null) return false;
        votes[replica] = value;
        return true;
    }

    /** Sets this replica's own vote, replacing any earlier one (its own view of its state changes). */
    void put(int replica, T value) { votes[replica] = value; }

    void clear(int replica) { votes[replica] = null; }

    /** Forgets every vote but {@code replica}'s (a key refresh, section 4.1). */
    void retainOnly(int replica) {
        for (int j = 0; j < votes.length; j++) if (j != replica) votes[j] = null;
    }

    @SuppressWarnings("unchecked")
    T vote(int replica) { return (T) votes[replica]; }

    boolean voted(int replica) { return votes[replica] != null; }

    /** Replicas that voted for {@code value}, leaving out {@code excluded} (replica ids). */
    int count(T value, int... excluded) {
        int c = 0;
        for (int j = 0; j < votes.length; j++) if (value.equals(votes[j]) && !in(j, excluded)) c++;
        return c;
    }

    /** Whether at least {@code quorum} replicas other than {@code excluded} voted for {@code value}. */
    boolean complete(T value, int quorum, int... excluded) { return value != null && count(value, excluded) >= quorum; }

    /** The value at least {@code quorum} replicas other than {@code excluded} voted for, or null. */
    @SuppressWarnings("unchecked")
    T certified(int quorum, int... excluded) {
        for (int j = 0; j < votes.length; j++) {
            if (votes[j] != null && !in(j, excluded) && count((T) votes[j], excluded) >= quorum) return (T) votes[j];
        }
        return null;
    }

    /** Replicas that voted at all. */
    int size() {
        int c = 0;
        for (Object v : votes) if (v != null) c++;
        return c;
    }

    private static boolean in(int j, int[] set) {
        for (int x : set) if (x == j) return true;
        return false;
    }

    @Override public String toString() { return Arrays.toString(votes); }
}
