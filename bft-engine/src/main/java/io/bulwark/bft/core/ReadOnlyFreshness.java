package io.bulwark.bft.core;

import java.util.HashMap;
import java.util.Map;

/**
 * Bounds replays of read-only requests (issue 20): a read-only request is executed only if its
 * timestamp is above every read-only timestamp this replica took from that client (and, checked by
 * the caller, above the client's last executed request). A correct client has one request
 * outstanding and never sends a read-only request twice (it falls back to an ordered request with
 * the same timestamp), so a captured read-only request costs at most one execution per replica,
 * however often it is replayed. Replica-local (read-only requests are not agreed on); one entry
 * per client, bounded. Not thread-safe.
 */
final class ReadOnlyFreshness {
    private final int capacity;
    private final Map<Integer, Long> lastTaken = new HashMap<>();

    ReadOnlyFreshness(int capacity) { this.capacity = capacity; }

    /** Records {@code timestamp} for {@code client} and returns true if it is fresh; false for a replay (or a full table). */
    boolean take(int client, long timestamp) {
        Long last = lastTaken.get(client);
        if (last != null && timestamp <= last) return false;
        if (last == null && lastTaken.size() >= capacity) return false;
        lastTaken.put(client, timestamp);
        return true;
    }
}
