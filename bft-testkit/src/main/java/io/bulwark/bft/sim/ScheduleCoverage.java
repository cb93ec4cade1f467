package io.bulwark.bft.sim;

/**
 * What interesting cases a run went through, counted from the messages on the simulated network and
 * the replicas' executions (issue 18: coverage measured, not assumed).
 *
 * @param ruleANulls          explicit null requests in correct primaries' NEW-VIEWs at a number where
 *                            some view-change of its set reported a null prepared (rule A, not B)
 * @param trailingNulls       NEW-VIEWs whose explicit list ends below a number some view-change of its
 *                            set reported prepared: a prepared request or null became an implied one
 * @param reproposedTwice     requests pre-prepared in three or more views (re-proposed across two or
 *                            more view changes)
 * @param executedThenLeft    view-changes of correct replicas that executed batches in the view they left
 * @param staleReads          read-only requests a stale reader answered from an older state, with a
 *                            result other than the current one
 * @param adversaryActions    actions of the new targeted adversaries (delays imposed, empty view-changes,
 *                            acks withheld, trap steps)
 * @param trapsSprung         null-trap runs that reached the state the trap aims at (a null committed at
 *                            one correct replica only, and the next view change under way)
 * @param leftAlone           runs in which a correct replica stayed in a view no quorum of correct
 *                            replicas is in for longer than the bound after the heal, or the correct
 *                            replicas were not in one active view after the idle window (issue 15 item 3;
 *                            each such run is a liveness failure too, see {@link LeftAloneOracle})
 * @param journalReplays      restarts of correct replicas that replayed journal entries (issue 12)
 * @param estimations         estimations of H_M completed by correct replicas restarted with nothing to replay
 * @param recoveries          of those, replicas whose stable checkpoint then reached H_M (section 4.4)
 * @param outsideActiveView   runs in which, after the clients finished and the replicas caught up, a
 *                            correct replica was in the group's view but had not installed it for the
 *                            whole idle window (measured, not failed: a faulty primary that keeps its
 *                            NEW-VIEW from one correct replica, as a twin does, keeps it out; only that
 *                            replica can tell, and its suspicion alone must not move the group)
 * @param stepDowns           watchdog reboots of a correct primary that moved the group to the next view
 *                            first (section 6.3, {@link io.bulwark.bft.core.Replica#stepDown})
 * @param prePreparesByDigest pre-prepares correct primaries sent naming large requests by digest (issue 16 item 2)
 * @param awaitedRequests     of the pre-prepares by digest correct backups got, those that waited for a named
 *                            request (its client's copy came later, or never)
 * @param fetchedBodies       of those, the ones completed by the whole batch instead of the client's copy (a body
 *                            fetched by digest, or the primary's whole pre-prepare: its answer or a retransmission)
 * @param committedLost       committed records correct replicas lost at a crash (written, riding on no fsync yet:
 *                            {@link io.bulwark.bft.core.LogEntry#syncAtOnce}); each restart that lost one must find
 *                            its batch again from the others
 * @param prePreparedLost     pre-prepared records correct replicas lost at a crash: a backup's PREPARE and the
 *                            primary's PRE-PREPARE leave before these are durable
 *                            ({@link io.bulwark.bft.core.LogEntry.VotesReserved}), so each is a vote the restarted
 *                            replica may have cast and forgotten
 * @param votesForgotten      pre-prepares correct replicas refused after such a restart, at numbers where they may
 *                            have voted before it ({@link io.bulwark.bft.core.Ignored#VOTE_FORGOTTEN})
 * @param proposalsWithheld   times a correct primary restarted so found requests to order in the view whose
 *                            PRE-PREPAREs it may have sent and forgotten, and withheld them (the next view orders them)
 */
public record ScheduleCoverage(long ruleANulls, long trailingNulls, long reproposedTwice, long executedThenLeft,
                       long staleReads, long adversaryActions, long trapsSprung, long leftAlone,
                       long journalReplays, long estimations, long recoveries, long outsideActiveView, long stepDowns,
                       long prePreparesByDigest, long awaitedRequests, long fetchedBodies, long committedLost,
                       long prePreparedLost, long votesForgotten, long proposalsWithheld) {

    public static final ScheduleCoverage NONE = new ScheduleCoverage(0, 0, 0, 0, 0, 0, 0, 0);

    public ScheduleCoverage(long ruleANulls, long trailingNulls, long reproposedTwice, long executedThenLeft,
                            long staleReads, long adversaryActions, long trapsSprung, long leftAlone) {
        this(ruleANulls, trailingNulls, reproposedTwice, executedThenLeft, staleReads, adversaryActions, trapsSprung, leftAlone, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0);
    }

    /** The same with the durability counts of a run. */
    public ScheduleCoverage withRecovery(long journalReplays, long estimations, long recoveries) {
        return new ScheduleCoverage(ruleANulls, trailingNulls, reproposedTwice, executedThenLeft, staleReads, adversaryActions,
                trapsSprung, leftAlone, journalReplays, estimations, recoveries, outsideActiveView, stepDowns,
                prePreparesByDigest, awaitedRequests, fetchedBodies, committedLost, prePreparedLost, votesForgotten, proposalsWithheld);
    }

    /** The same with whether a correct replica ended outside the group's active view ({@link #outsideActiveView}). */
    public ScheduleCoverage withOutsideActiveView(boolean outside) {
        return new ScheduleCoverage(ruleANulls, trailingNulls, reproposedTwice, executedThenLeft, staleReads, adversaryActions,
                trapsSprung, leftAlone, journalReplays, estimations, recoveries, outside ? 1 : 0, stepDowns,
                prePreparesByDigest, awaitedRequests, fetchedBodies, committedLost, prePreparedLost, votesForgotten, proposalsWithheld);
    }

    /** The same with the primary step-downs of a run ({@link #stepDowns}). */
    public ScheduleCoverage withStepDowns(long n) {
        return new ScheduleCoverage(ruleANulls, trailingNulls, reproposedTwice, executedThenLeft, staleReads, adversaryActions,
                trapsSprung, leftAlone, journalReplays, estimations, recoveries, outsideActiveView, n,
                prePreparesByDigest, awaitedRequests, fetchedBodies, committedLost, prePreparedLost, votesForgotten, proposalsWithheld);
    }

    /** The same with a run's counts of requests by digest ({@link #prePreparesByDigest}, {@link #awaitedRequests}, {@link #fetchedBodies}). */
    public ScheduleCoverage withRequestsByDigest(long sent, long awaited, long fetched) {
        return new ScheduleCoverage(ruleANulls, trailingNulls, reproposedTwice, executedThenLeft, staleReads, adversaryActions,
                trapsSprung, leftAlone, journalReplays, estimations, recoveries, outsideActiveView, stepDowns, sent, awaited, fetched, committedLost,
                prePreparedLost, votesForgotten, proposalsWithheld);
    }

    /** The same with a run's committed records lost at crashes ({@link #committedLost}). */
    public ScheduleCoverage withCommittedLost(long n) {
        return new ScheduleCoverage(ruleANulls, trailingNulls, reproposedTwice, executedThenLeft, staleReads, adversaryActions,
                trapsSprung, leftAlone, journalReplays, estimations, recoveries, outsideActiveView, stepDowns,
                prePreparesByDigest, awaitedRequests, fetchedBodies, n, prePreparedLost, votesForgotten, proposalsWithheld);
    }

    /**
     * The same with a run's early votes whose records crashes lost and what the restarted replicas withheld for it
     * ({@link #prePreparedLost}, {@link #votesForgotten}, {@link #proposalsWithheld}).
     */
    public ScheduleCoverage withForgottenVotes(long lost, long forgotten, long withheld) {
        return new ScheduleCoverage(ruleANulls, trailingNulls, reproposedTwice, executedThenLeft, staleReads, adversaryActions,
                trapsSprung, leftAlone, journalReplays, estimations, recoveries, outsideActiveView, stepDowns,
                prePreparesByDigest, awaitedRequests, fetchedBodies, committedLost, lost, forgotten, withheld);
    }

    public ScheduleCoverage plus(ScheduleCoverage o) {
        return new ScheduleCoverage(ruleANulls + o.ruleANulls, trailingNulls + o.trailingNulls, reproposedTwice + o.reproposedTwice,
                executedThenLeft + o.executedThenLeft, staleReads + o.staleReads, adversaryActions + o.adversaryActions,
                trapsSprung + o.trapsSprung, leftAlone + o.leftAlone, journalReplays + o.journalReplays,
                estimations + o.estimations, recoveries + o.recoveries, outsideActiveView + o.outsideActiveView,
                stepDowns + o.stepDowns, prePreparesByDigest + o.prePreparesByDigest, awaitedRequests + o.awaitedRequests,
                fetchedBodies + o.fetchedBodies, committedLost + o.committedLost, prePreparedLost + o.prePreparedLost,
                votesForgotten + o.votesForgotten, proposalsWithheld + o.proposalsWithheld);
    }

    public String json() {
        return "{\"new_views_rule_a_null\":" + ruleANulls + ",\"new_views_trailing_prepared\":" + trailingNulls
                + ",\"requests_reproposed_2plus_view_changes\":" + reproposedTwice + ",\"executed_then_left_view\":" + executedThenLeft
                + ",\"stale_reads_attempted\":" + staleReads + ",\"targeted_adversary_actions\":" + adversaryActions
                + ",\"null_traps_sprung\":" + trapsSprung + ",\"seeds_with_replica_left_alone_in_view\":" + leftAlone
                + ",\"journal_replays\":" + journalReplays + ",\"estimations\":" + estimations + ",\"recoveries\":" + recoveries
                + ",\"seeds_with_replica_outside_active_view\":" + outsideActiveView + ",\"primary_step_downs\":" + stepDowns
                + ",\"pre_prepares_by_digest\":" + prePreparesByDigest + ",\"pre_prepares_awaiting_requests\":" + awaitedRequests
                + ",\"batch_bodies_fetched_for_requests\":" + fetchedBodies + ",\"committed_records_lost_at_crashes\":" + committedLost
                + ",\"pre_prepared_records_lost_at_crashes\":" + prePreparedLost + ",\"pre_prepares_refused_as_forgotten\":" + votesForgotten
                + ",\"proposals_withheld_as_forgotten\":" + proposalsWithheld + "}";
    }
}
