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
     * contract: every message sent after a Persist ({@link #waitsForJournal}: all but a REPLY) — in this
     * batch of actions or a later one — is performed only once the entry is durable, in order; nothing
     * else waits (replies, executions, timers, the next input). Emitted only when the driver said it
     * keeps a journal ({@code Replica.journaled}).
     */
    record Persist(LogEntry entry) implements ReplicaAction {}

    /**
     * Whether {@code a} must wait for the journal entries persisted before it: every message but a
     * REPLY. Votes must (a replica that sent one and forgot it at a restart could vote differently on
     * the same number, or leave a prepared request out of a view change), and so must what vouches
     * for executed state — a CHECKPOINT sent before its committed records are durable let a whole group
     * that lost power agree on a checkpoint none of them could rebuild (sim seed 3337 f=2,
     * view-change-storm and power-loss, with only votes waiting: every replica fetching checkpoint 24
     * from nobody, for good). A REPLY may leave before the committed record is synced: its batch
     * committed at 2f+1 replicas, each of which sent its COMMIT only once its prepared record was
     * durable, and no checkpoint at or above it became stable before f+1 correct replicas had its
     * committed record durable, so after a restart either they run it again or any 2f+1 VIEW-CHANGEs
     * carry it (section 4.5). Before this exception a fourth fsync (the committed record's) lay in
     * every reply's path.
     */
    public static boolean waitsForJournal(Action a) {
        io.bulwark.bft.msg.Message m = message(a);
        return m != null && !(m instanceof io.bulwark.bft.msg.Reply);
    }

    /**
     * Whether {@code a}, which {@link #waitsForJournal}, waits only for the entries before it that
     * {@link LogEntry#gatesPrepares gate PREPAREs}: a backup's PREPARE or the primary's PRE-PREPARE, whose
     * number the core covered with a durable {@link LogEntry.VotesReserved} first (or which repeats a vote
     * already journaled). It need not wait for its own pre-prepared record, so the request's path loses an
     * fsync at the backups and another at the primary. A PRE-PREPARE is also how a batch's body travels (a new
     * view's selected batches, an answer to FETCH-BATCH): there it is no vote, and the receiver checks the
     * body against the digest it agreed on.
     */
    public static boolean waitsOnlyForGates(Action a) {
        io.bulwark.bft.msg.Message m = message(a);
        return m instanceof io.bulwark.bft.msg.Prepare || m instanceof io.bulwark.bft.msg.PrePrepare
                || m instanceof io.bulwark.bft.msg.PrePrepareByDigest;
    }

    private static io.bulwark.bft.msg.Message message(Action a) {
        return a instanceof Action.Send s ? s.message() : a instanceof Action.Multicast mc ? mc.message() : null;
    }

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
