package io.bulwark.bft.core;

/** Why a core ignored an authenticated input; counted, never thrown (DESIGN principle 3). */
public enum Ignored {
    WRONG_VIEW,
    OUTSIDE_WATER_MARKS,
    NOT_FROM_PRIMARY,
    CONFLICTING_PRE_PREPARE,
    BAD_BATCH,
    BAD_BATCH_DIGEST,
    CLOCK_SKEW,
    OLD_REQUEST,
    DUPLICATE_REQUEST,
    OVERSIZED_REQUEST,
    READ_ONLY_IN_BATCH,
    READ_ONLY_QUEUE_FULL,
    /**
     * A read-only request whose timestamp is not above the client's last read-only or executed one:
     * a replay (a correct client never sends a read-only request twice). Executed at most once.
     */
    READ_ONLY_REPLAY,
    NOT_A_REPLICA,
    UNEXPECTED_MESSAGE,
    CHECKPOINT_TOO_FAR,
    CHECKPOINT_MISMATCH,
    BAD_VIEW_CHANGE,
    BAD_NEW_VIEW,
    /** A NEW-VIEW whose decision the view-changes it names do not support: we move to the next view. */
    NEW_VIEW_REJECTED,
    /** A new view starts from a checkpoint this replica has not reached (state transfer is needed). */
    STATE_BEHIND,
    /** A request from a client beyond the client table's capacity (the same at every replica). */
    CLIENT_TABLE_FULL,
    /** A FETCH for a checkpoint this replica no longer (or not yet) retains, or while it is fetching itself. */
    CHECKPOINT_NOT_HELD,
    BAD_FETCH,
    /** This replica's own state failed a check or disagreed with 2f+1 others: repaired by state transfer. */
    STATE_CORRUPT,
    /** A finished transfer whose tree did not match the target digest: walked again. */
    TRANSFER_INCONSISTENT,
    /**
     * A pre-prepare held a request whose client authenticator did not verify here (and no copy of
     * it from its client): it waits for f+1 other backups' prepares or its client's new key, and an
     * AUTH-FAILURE goes out if the request still does not verify a status period later.
     */
    UNAUTHENTICATED_REQUEST,
    /**
     * An AUTH-FAILURE this replica did not send: the request it could not authenticate is in a batch
     * that f+1 other replicas report having executed. The group got past it, so the request was
     * authentic; this replica is behind and lacks the client key it was made under (issue 15 item 2).
     * Also one about a replica's recovery request: replicas are never quarantined.
     */
    AUTH_FAILURE_MOOT,
    /** A request of a client quarantined under the current primary (the big-MAC defence, ClientQuarantine). */
    CLIENT_QUARANTINED,
    STALE_REPLY,
    BAD_REPLY,
    /**
     * A pre-prepare, or a NEW-VIEW's decision, for a sequence number this replica has executed, with a
     * batch other than the one it executed there (a correct group never sends one; issue 18): a
     * replica never prepares at or below what it executed unless it is the same batch.
     */
    BELOW_EXECUTED,
    /**
     * A committed batch at a sequence number where this replica's own earlier commit certificate names
     * another batch (after a rollback): two batches at one number would diverge; the state is repaired
     * by transfer instead.
     */
    EXECUTION_CONFLICT,
    /** A FETCH-BATCH beyond what a correct replica could ask for in one status period (2L): not answered. */
    FETCH_BATCH_BUDGET,
    /** A request whose client is a replica but that is not a well-formed recovery request (section 4.4). */
    NOT_A_RECOVERY_REQUEST,
    /**
     * A recovery request whose co-processor signature is not its replica's over its H_M and
     * timestamp (forged under MAC keys a compromised replica leaked, signed by another replica's
     * co-processor, or no co-processor keys configured here): refused before it may be ordered, in a
     * pre-prepare, and at execution; it changes nothing (section 4.4).
     */
    FORGED_RECOVERY_REQUEST,
    /** A reply to our recovery request that is not ours, not for the request outstanding, or not a recovery result. */
    BAD_RECOVERY_REPLY,
    /**
     * A pre-prepare at a number where, before a crash, this replica may have sent a PREPARE it no longer
     * remembers (inside its last journaled {@link LogEntry.VotesReserved}, with no pre-prepared record): it
     * takes no part there in that view, so it never prepares two batches at one number.
     */
    VOTE_FORGOTTEN
}
