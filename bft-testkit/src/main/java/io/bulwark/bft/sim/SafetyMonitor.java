package io.bulwark.bft.sim;

import io.bulwark.bft.crypto.Digest;
import io.bulwark.bft.msg.Request;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Safety checks made on every step of a run: correct replicas execute the same batch (and the
 * same agreed non-deterministic input) at each sequence number, and have equal state digests at
 * equal checkpoints.
 * <p>
 * Executed batches are compared field by field (client, timestamp, read-only flag and operation
 * bytes of each request, in order, and the non-deterministic input): exactly what the request
 * digest covers, compared directly instead of through SHA-256 at every replica.
 */
final class SafetyMonitor {
    private record Executed(byte[] nonDet, List<Request> requests) {}

    private final Map<Long, Executed> executed = new HashMap<>();
    private final Map<Long, Digest> checkpoints = new HashMap<>();
    /** Per checkpoint, the correct replicas (bit j) that reported it: "compared" needs two of them. */
    private final Map<Long, Long> reporters = new HashMap<>();
    final List<String> violations = new ArrayList<>();

    void onExecute(int replica, long seq, byte[] nonDet, List<Request> requests) {
        Executed prior = executed.putIfAbsent(seq, new Executed(nonDet.clone(), List.copyOf(requests)));
        if (prior != null && !sameBatch(prior, nonDet, requests))
            violation("replica " + replica + " executed a different batch at sequence number " + seq);
    }

    private static boolean sameBatch(Executed prior, byte[] nonDet, List<Request> requests) {
        if (!Arrays.equals(prior.nonDet, nonDet) || prior.requests.size() != requests.size()) return false;
        for (int i = 0; i < requests.size(); i++) {
            Request a = prior.requests.get(i), b = requests.get(i);
            if (a.client() != b.client() || a.timestamp() != b.timestamp() || a.readOnly() != b.readOnly()
                    || !Arrays.equals(a.operation(), b.operation())) return false;
        }
        return true;
    }

    void onCheckpoint(int replica, long seq, Digest state) {
        Digest prior = checkpoints.putIfAbsent(seq, state);
        reporters.merge(seq, 1L << replica, (a, b) -> a | b);
        if (prior != null && !prior.equals(state))
            violation("replica " + replica + " has state digest " + state + " at checkpoint " + seq + ", another correct replica " + prior);
    }

    /** The state digest correct replicas reported at checkpoint {@code seq}, or null if none did. */
    Digest digestAt(long seq) { return checkpoints.get(seq); }

    /** Checkpoints whose digests at least two correct replicas reported (so they were compared). */
    int checkpointsCompared() {
        int n = 0;
        for (long who : reporters.values()) if (Long.bitCount(who) >= 2) n++;
        return n;
    }

    /**
     * The end of a run: the state pages (service and engine) of correct replicas that executed the
     * same last sequence number, byte for byte, against the first of them. Returns how many replicas
     * were compared with it (0 when fewer than two qualify).
     */
    int compareFinalPages(long seq, List<Integer> replicas, List<io.bulwark.bft.state.PartitionTree> trees) {
        if (trees.size() < 2) return 0;
        var ref = trees.get(0);
        for (int i = 1; i < trees.size(); i++) {
            var t = trees.get(i);
            if (t.pageCount() != ref.pageCount()) { violation("replica " + replicas.get(i) + " has " + t.pageCount() + " pages at the end, replica " + replicas.get(0) + " " + ref.pageCount()); continue; }
            for (int p = 0; p < ref.pageCount(); p++) {
                if (!Arrays.equals(ref.read(p), t.read(p))) {
                    violation("replica " + replicas.get(i) + " and replica " + replicas.get(0) + " differ in page " + p + " after executing " + seq);
                    break;
                }
            }
        }
        return trees.size() - 1;
    }

    void violation(String what) {
        if (violations.size() < 20) violations.add(what);
    }
}
