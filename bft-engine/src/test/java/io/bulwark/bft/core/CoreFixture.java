package io.bulwark.bft.core;

import io.bulwark.bft.config.ProtocolConfig;
import io.bulwark.bft.crypto.Digest;
import io.bulwark.bft.msg.Checkpoint;
import io.bulwark.bft.msg.Commit;
import io.bulwark.bft.msg.Message;
import io.bulwark.bft.msg.MessageCodec;
import io.bulwark.bft.msg.PrePrepare;
import io.bulwark.bft.msg.Prepare;
import io.bulwark.bft.msg.Request;
import io.bulwark.bft.msg.ViewChange;
import java.util.ArrayList;
import java.util.List;

/**
 * One replica core (f = 1, K = 4, L = 8) driven by hand, for the components' unit tests: the test
 * plays the other replicas and the clients message by message, and reads what the core sent and
 * its components' state (same package).
 */
final class CoreFixture {
    static final ProtocolConfig CFG = ProtocolConfig.defaults(1).withCheckpointInterval(4, 8);
    static final long NOW = 1_000_000;
    static final int CLIENT = 4;

    final Replica r;
    long now = NOW;
    /** Everything the replica output since the last {@link #take()}. */
    final List<ReplicaAction> out = new ArrayList<>();

    CoreFixture(int id) {
        r = new Replica(id, CFG);
        r.start(now);
        take();
    }

    static Request req(int client, long ts, String op) { return new Request(client, ts, false, 0, op.getBytes(), new byte[0]); }

    static Request read(int client, long ts) { return new Request(client, ts, true, Request.ALL_REPLY, new byte[] {1}, new byte[0]); }

    static PrePrepare pp(long view, long seq, Request... batch) {
        byte[] nonDet = NonDet.encodeTime(NOW);
        List<Request> b = List.of(batch);
        return new PrePrepare(view, seq, MessageCodec.batchDigest(b, nonDet), nonDet, b);
    }

    void receive(int from, Message m) {
        r.receive(now, from, m);
        collect();
    }

    void fire(TimerKind kind) {
        r.timeout(now, kind);
        collect();
    }

    /** Runs the outstanding executions at once (results: the operation back), keeping the outputs. */
    void collect() {
        for (int guard = 0; guard < 1000; guard++) {
            List<ReplicaAction> batch = r.ready();
            if (batch.isEmpty()) return;
            out.addAll(batch);
            for (ReplicaAction a : batch) {
                if (a instanceof ReplicaAction.Execute e) {
                    List<byte[]> results = new ArrayList<>();
                    for (Request q : e.requests()) results.add(q.operation());
                    r.executed(now, e.seq(), results);
                } else if (a instanceof ReplicaAction.ExecuteReadOnly ro) {
                    r.executedReadOnly(now, ro.request(), ro.request().operation());
                }
            }
        }
        throw new AssertionError("the replica does not settle");
    }

    /** The outputs since the last call. */
    List<ReplicaAction> take() {
        collect();
        List<ReplicaAction> t = new ArrayList<>(out);
        out.clear();
        return t;
    }

    /** The messages sent (multicast or to one principal) since the last {@link #take()}. */
    List<Message> sent() {
        List<Message> m = new ArrayList<>();
        for (ReplicaAction a : take()) {
            if (a instanceof Action.Multicast x) m.add(x.message());
            else if (a instanceof Action.Send x) m.add(x.message());
        }
        return m;
    }

    /** The sequence numbers executed since the last {@link #take()}, in order. */
    static List<Long> executions(List<ReplicaAction> actions) {
        List<Long> seqs = new ArrayList<>();
        for (ReplicaAction a : actions) if (a instanceof ReplicaAction.Execute e) seqs.add(e.seq());
        return seqs;
    }

    static <T> long count(List<?> xs, Class<T> type) { return xs.stream().filter(type::isInstance).count(); }

    /** Whether a timer of this kind was set among {@code actions}. */
    static boolean timerSet(List<ReplicaAction> actions, TimerKind kind) {
        return actions.stream().anyMatch(a -> a instanceof Action.SetTimer t && t.kind() == kind);
    }

    /** A backup (this replica, not 0) gets {@code p} from primary 0 and prepares and commits it with the others. */
    void commitAtBackup(PrePrepare p) {
        receive(0, p);
        for (int j = 1; j < r.n; j++) if (j != r.id) receive(j, new Prepare(p.view(), p.seq(), p.digest(), j));
        for (int j = 0; j < r.n; j++) if (j != r.id) receive(j, new Commit(p.view(), p.seq(), p.digest(), j));
    }

    /** Checkpoint {@code seq} with {@code d} from replicas {@code from}. */
    void checkpoint(long seq, Digest d, int... from) {
        for (int j : from) receive(j, new Checkpoint(seq, d, j));
    }

    /** A view-change of replica {@code j} for {@code view} from the initial state. */
    static ViewChange viewChange(long view, int j) {
        return new ViewChange(view, j, 0, List.of(new ViewChange.CheckpointRef(0, Replica.GENESIS)), List.of(), List.of());
    }
}
