package io.bulwark.bft.core;

import io.bulwark.bft.msg.Request;
import java.util.List;

/** What a {@link Replica} asks its driver to do: persist, send, arm timers, execute, replace the state. */
public sealed interface ReplicaAction extends Action
        permits Action.Send, Action.Multicast, Action.SetTimer, ReplicaAction.Execute, ReplicaAction.ExecuteReadOnly,
                ReplicaAction.StateReplaced, ReplicaAction.Persist, ReplicaAction.RefreshKeys,
                ReplicaAction.SignRecovery {

    /**
     * Execute {@code requests} in order, as sequence number {@code seq}, with the agreed
     * non-deterministic input; then call {@code Replica.executed}. When {@code checkpoint} is set,
     * pass the state digest after execution.
     */
    record Execute(long seq, byte[] nonDet, List<Request> requests, boolean checkpoint) implements ReplicaAction {}

    /** Execute one read-only request against the current state; then call {@code Replica.executedReadOnly}. */
    record ExecuteReadOnly(Request request) implements ReplicaAction {}

    /**
     * State transfer replaced the state with checkpoint {@code seq}'s: the driver tells the service,
     * which must drop anything it derived from the pages (caches).
     */
    record StateReplaced(long seq) implements ReplicaAction {}

    /**
     * Write {@code entry} to the journal (issue 12 item 1, etcd's {@code Ready}/{@code MustSync}). The
     * contract: every {@link Action.Send} and {@link Action.Multicast} that comes after a Persist —
     * in this batch of actions or a later one — is performed only once the entry is durable, in
     * order; nothing else waits (executions, timers, the next input). Emitted only when the driver
     * said it keeps a journal ({@code Replica.journaled}).
     */
    record Persist(LogEntry entry) implements ReplicaAction {}

    /**
     * Section 4.4: replica {@code recovering}'s recovery request executed here (or a state transfer
     * brought its effect): the keys the others use to send to us may be known to the attacker that
     * held it, so the driver sends a fresh NEW-KEY now, then calls {@code Replica.keysRefreshed}.
     */
    record RefreshKeys(int recovering) implements ReplicaAction {}

    /**
     * Section 4.4: the recovery request is signed by the secure co-processor. The driver has it sign
     * {@code payload} (the co-processor appends its next counter value t, made durable first:
     * {@code CoProcessor.sign}), then calls {@code Replica.recoverySigned} with t and the signature;
     * t becomes the request's timestamp. Emitted once per recovery, when H_M is known.
     */
    record SignRecovery(byte[] payload) implements ReplicaAction {
        public SignRecovery { payload = payload.clone(); }
        @Override public byte[] payload() { return payload.clone(); }
    }
}
