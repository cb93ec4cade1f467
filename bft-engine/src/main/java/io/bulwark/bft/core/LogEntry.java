package io.bulwark.bft.core;

import io.bulwark.bft.crypto.Digest;
import io.bulwark.bft.msg.NewView;
import io.bulwark.bft.msg.PrePrepare;
import io.bulwark.bft.msg.ViewChange;

/**
 * A fact a replica commits itself to, written to its journal before any message that depends on it
 * leaves ({@link ReplicaAction.Persist}; issue 12 item 1): the votes it cast and the views it
 * entered. Replayed at a restart ({@link Replica#replay}), they let it resume where it was instead
 * of rejoining as a replica that forgot what it said — a correct replica never sends two different
 * PREPAREs or COMMITs for one number in one view, never a PRE-PREPARE for a number it already
 * assigned, and a request that committed at 2f+1 replicas survives the loss of power of all of them
 * (each of those 2f+1 wrote "prepared" before its COMMIT left; section 4.5 carries prepared
 * requests into later views, so the group finds every committed request again).
 */
public sealed interface LogEntry {

    /**
     * Whether the driver starts a group commit for this entry as soon as the drive that wrote it ends.
     * Every entry but a committed record: a vote or a view change is written because a message that
     * depends on it is about to leave. Nothing leaves because of a committed record — a REPLY does not
     * wait for the journal, and a CHECKPOINT, which does, waits for it like any later message — so it
     * rides with the next group commit: the next vote's, under load a batch or two later, instead of a
     * sync of its own that the next vote's would queue behind. Drivers sync it by itself at most
     * {@link #RIDING_SYNC_AFTER_MS} after writing it, so that a restart mostly finds what it executed;
     * losing it at a crash loses nothing acknowledged: its batch committed at 2f+1 replicas, each of
     * which had its prepared record on disk before its COMMIT left (section 4.5 carries prepared
     * batches into later views, and a restarted replica fetches commits it lacks like any slow one).
     */
    default boolean syncAtOnce() { return true; }

    /** How long an entry that is not {@link #syncAtOnce} waits for a group commit before one starts for it. */
    long RIDING_SYNC_AFTER_MS = 10;

    /**
     * Whether a backup's PREPARE or the primary's PRE-PREPARE journaled after this entry waits for it
     * ({@link ReplicaAction#waitsOnlyForGates}): every entry but the vote records. Such a vote needs its view's
     * entries and its {@link VotesReserved} durable, not its own pre-prepared record: that rides on the prepared
     * record's fsync, which the COMMIT waits for.
     */
    default boolean gatesPrepares() { return true; }

    /**
     * A pre-prepared batch with its body: ours as primary (before the PRE-PREPARE leaves), one we
     * accepted as a backup (before our PREPARE leaves), or the body of a batch a new view selected
     * by digest. Bodies of earlier views are kept at replay only where the prepared sets refer to them.
     */
    record PrePrepared(PrePrepare prePrepare) implements LogEntry {
        @Override public boolean gatesPrepares() { return false; }
    }

    /** Prepared at {@code seq} in {@code view}: 2f matching PREPAREs; written before our COMMIT leaves. */
    record Prepared(long view, long seq, Digest digest) implements LogEntry {
        @Override public boolean gatesPrepares() { return false; }
    }

    /** Committed locally: 2f+1 matching COMMITs. Lets a restarted replica execute it again by itself. */
    record Committed(long view, long seq, Digest digest) implements LogEntry {
        @Override public boolean syncAtOnce() { return false; }
        @Override public boolean gatesPrepares() { return false; }
    }

    /**
     * In {@code view} we may vote at numbers up to {@code upTo} (our high water mark when written) before our
     * pre-prepared records are durable: as a backup, send PREPAREs; as primary, send PRE-PREPAREs. Written, and
     * synced, before the first such vote leaves. The request's path then loses the fsync of the primary's
     * pre-prepared record and of each backup's (each replica's prepared record stays on it). After a crash that
     * lost such a record, the replica cannot know what it voted: replayed, this entry makes it take no part in
     * {@code view} at numbers up to {@code upTo} it has no pre-prepared record for, and, if it is that view's
     * primary, propose nothing more in it (section 4.4's recovering replica likewise sends nothing up to H_M), so
     * it never prepares or proposes two batches at one number in one view. A COMMIT still waits for everything
     * before it, so a request that committed at 2f+1 replicas is in 2f+1 journals as before.
     */
    record VotesReserved(long view, long upTo) implements LogEntry {}

    /**
     * Written at a graceful stop, after everything the replica sent was journaled, and synced with it: no PREPARE
     * that left under an earlier {@link VotesReserved} lacks its record. Replayed, it clears the reservations
     * before it, so a replica stopped and started again takes part at once (only a crash makes it sit out the
     * numbers of its last reservation).
     */
    record Stopped() implements LogEntry {}

    /** We left view {@code viewChange.view() - 1}: our VIEW-CHANGE with P and Q (Figure 2), before it leaves. */
    record ViewChangeSent(ViewChange viewChange) implements LogEntry {}

    /**
     * Another replica's VIEW-CHANGE that the NEW-VIEW we are about to install names (written just before
     * it). After a restart we can still forward it (as the new primary) or vouch for it (as a backup) to
     * a replica that needs it to check that NEW-VIEW — one that lost its own copy with its disk. Without
     * it, a group that lost power held only the NEW-VIEW, and such a replica could never install the view
     * (sim seed 283 f=1, power-loss and restart: replica 2, restarted on an empty disk, waited outside
     * the group's view for good).
     */
    record ViewChangeNamed(ViewChange viewChange) implements LogEntry {}

    /** We started {@code newView.view()} from this decision (as its primary, before the NEW-VIEW leaves). */
    record NewViewInstalled(NewView newView) implements LogEntry {}
}
