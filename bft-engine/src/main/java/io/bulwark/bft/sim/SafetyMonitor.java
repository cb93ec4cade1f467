package io.bulwark.bft.sim;

import io.bulwark.bft.crypto.Digest;
import io.bulwark.bft.crypto.Digests;
import io.bulwark.bft.msg.MessageCodec;
import io.bulwark.bft.msg.Request;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Safety checks made on every step of a run: correct replicas execute the same batch (and the
 * same agreed non-deterministic input) at each sequence number, and have equal state digests at
 * equal checkpoints.
 */
final class SafetyMonitor {
    private final Map<Long, Digest> executed = new HashMap<>();
    private final Map<Long, Digest> checkpoints = new HashMap<>();
    final List<String> violations = new ArrayList<>();

    void onExecute(int replica, long seq, byte[] nonDet, List<Request> requests) {
        Digests.Hasher h = Digests.hasher().putLong(seq).put(nonDet);
        for (Request r : requests) h.put(MessageCodec.requestDigest(r));
        Digest d = h.done();
        Digest prior = executed.putIfAbsent(seq, d);
        if (prior != null && !prior.equals(d))
            violation("replica " + replica + " executed a different batch at sequence number " + seq);
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
