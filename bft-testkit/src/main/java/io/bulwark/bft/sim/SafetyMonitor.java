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
        if (prior != null && !prior.equals(state))
            violation("replica " + replica + " has state digest " + state + " at checkpoint " + seq + ", another correct replica " + prior);
    }

    int checkpointsCompared() { return checkpoints.size(); }

    void violation(String what) {
        if (violations.size() < 20) violations.add(what);
    }
}
