package io.bulwark.bft.core;

/**
 * The timers of the view-change protocol ([6], section 4.5), part of {@link ViewChanges}: the
 * view-change timer (a request waits too long to execute, or a new view does not come in time),
 * the ordering timer (Aardvark's slow primary: a request waits too long to be pre-prepared), the
 * backoff of the timeout across consecutive view changes, and holding them while this replica is
 * behind ({@link CatchingUp#behind}).
 */
final class ViewTimers {
    /** The view-change timeout doubles with each consecutive view change, up to this many times. */
    static final int MAX_BACKOFF_DOUBLINGS = 6;

    private final Replica r;
    private int consecutiveViewChanges;
    boolean viewChangeArmed;
    private boolean orderingArmed;
    /** The request timers were held back because we were behind; re-armed when we no longer are. */
    private boolean held;

    ViewTimers(Replica r) { this.r = r; }

    long viewChangeTimeout() {
        return r.cfg.viewChangeTimeoutMs() << Math.min(consecutiveViewChanges, MAX_BACKOFF_DOUBLINGS);
    }

    /** A quarter of the view-change timeout (doubling with it): generous for a correct primary under load. */
    long orderingDeadline() { return Math.max(1, viewChangeTimeout() / 4); }

    void timeoutWhileActive(TimerKind kind) {
        if (kind == TimerKind.ORDERING && orderingArmed) {
            orderingArmed = false;
            Long oldest = r.requests.oldestAwaitingOrder();
            if (r.catchUp.behind()) held = true;
            else if (oldest != null && !r.isPrimary() && r.now - oldest >= orderingDeadline()) {
                // Suspect, and wait afresh: a suspicion not shared lapses, one still warranted is repeated.
                long v = r.view;
                r.views.suspect();
                if (r.view == v) {
                    r.requests.restartOrderingDeadlines();
                    armOrderingTimer();
                }
            } else armOrderingTimer();
        } else if (kind == TimerKind.VIEW_CHANGE && viewChangeArmed) {
            viewChangeArmed = false;
            // [6]: the primary is suspected (a request waited too long). A request timer that ran out
            // while we were behind says nothing about the primary, nor one whose wait ended without a
            // reset (a primary's null batches execute with no results).
            if (r.catchUp.behind()) held = true;
            else if (waitingForExecution()) {
                long v = r.view;
                r.views.suspect();
                if (r.view == v) armRequestTimer();
            }
        }
    }

    void timeoutWhileChanging(TimerKind kind) {
        if (kind == TimerKind.ORDERING && orderingArmed) {
            // Not armed while changing (leaving the view disarms it); kept for the same outcome if it were.
            orderingArmed = false;
            if (r.catchUp.behind()) held = true;
            else armOrderingTimer();
        } else if (kind == TimerKind.VIEW_CHANGE && viewChangeArmed) {
            // [6]: the new view did not come in time (a NEW-VIEW timer is never held). We suspect its
            // primary, and move on once 2f+1 do (ViewChanges.suspect): a replica cut off while the others installed the view
            // would otherwise go on alone, view after view (sim seed 22 f=2, no adversary: replica 0
            // ended in view 2 while the group ran in view 1). Waiting afresh, it suspects again.
            viewChangeArmed = false;
            long v = r.view;
            r.views.suspect();
            if (r.view == v) armViewChange();
        }
    }

    /**
     * A replica waiting for requests to execute runs the view-change timer ([6]): a backup for the
     * requests clients sent it, the primary for the batches it assigned numbers to. The primary
     * suspects itself too: a correct primary whose batches cannot commit at it — a faulty backup
     * withholds its COMMITs from it while one correct backup sits alone in a higher view and the
     * other has executed them and waits for nothing — would otherwise leave the group stuck with no
     * one to time out (aimed seeds 37, 1447, 3767 f=1 and 1056, 3666 f=2). It fires only when no
     * batch executed for a whole timeout while some were outstanding; moving on costs the group one
     * view change, and its timeout doubles like any other's.
     */
    void armRequestTimer() {
        if (!r.viewActive || !waitingForExecution() || viewChangeArmed) return;
        if (r.catchUp.behind()) { held = true; return; }
        armViewChange();
    }

    /** The primary has assigned numbers not executed here yet; a backup holds client requests. */
    boolean waitingForExecution() {
        return r.isPrimary() ? r.agreement.nextSeq - 1 > r.lastExecuted : !r.requests.isEmpty();
    }

    /** Called after every input: timers held back while behind start now, with fresh deadlines. */
    void resumeIfCaughtUp() {
        if (!held || r.catchUp.behind()) return;
        held = false;
        if (!r.viewActive) return;
        r.requests.restartOrderingDeadlines();
        armRequestTimer();
        armOrderingTimer();
    }

    void armViewChange() {
        viewChangeArmed = true;
        r.out.add(new Action.SetTimer(TimerKind.VIEW_CHANGE, r.now + viewChangeTimeout()));
    }

    void disarmViewChange() { viewChangeArmed = false; }

    void armOrderingTimer() {
        if (!r.viewActive || r.isPrimary() || orderingArmed) return;
        Long oldest = r.requests.oldestAwaitingOrder();
        if (oldest == null) return;
        if (r.catchUp.behind()) { held = true; return; }
        orderingArmed = true;
        r.out.add(new Action.SetTimer(TimerKind.ORDERING, Math.max(r.now, oldest + orderingDeadline())));
    }

    /**
     * A batch with results executed in this view: the timeout goes back to its base, and the timer
     * restarts for the requests still waiting ([6]).
     */
    void progress() {
        consecutiveViewChanges = 0;
        if (viewChangeArmed) disarmViewChange();
        armRequestTimer();
    }

    /** Leaving the view (for {@code wasActive} false: the previous view change did not complete in time). */
    void leaveView(boolean wasActive) {
        if (!wasActive) consecutiveViewChanges++;
    }

    /** The view is left: no ordering deadline runs until the next one is installed. */
    void disarmOrdering() { orderingArmed = false; }
}
