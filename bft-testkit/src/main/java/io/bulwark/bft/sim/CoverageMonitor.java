package io.bulwark.bft.sim;

import io.bulwark.bft.msg.BatchEntry;
import io.bulwark.bft.msg.Message;
import io.bulwark.bft.msg.NewView;
import io.bulwark.bft.msg.PrePrepare;
import io.bulwark.bft.msg.PrePrepareByDigest;
import io.bulwark.bft.msg.Request;
import io.bulwark.bft.msg.ViewChange;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.function.IntPredicate;
import java.util.function.IntToLongFunction;

/**
 * Counts the cases the view-change safety argument (section 4.5, Figure 3) turns on, from the
 * messages correct replicas put on the simulated network: NEW-VIEWs with a null chosen because it
 * prepared (rule A), NEW-VIEWs whose explicit list stops below something reported prepared (an
 * implied trailing null where rule A held), requests pre-prepared in three or more views, and
 * view-changes of replicas that executed in the view they leave. Read-only: it changes nothing.
 */
final class CoverageMonitor implements SimNetwork.Observer {
    private final IntPredicate correct;
    private final IntToLongFunction lastExecuted;
    private final Map<Long, ViewChange[]> viewChanges = new HashMap<>();
    private final Set<Long> newViewsSeen = new HashSet<>();
    private final Map<Long, long[]> proposedIn = new HashMap<>();
    private final Map<Integer, Long> lastViewChange = new HashMap<>();
    private final long[] executedMark;
    private final int n;
    long ruleANulls, trailing, reproposed, executedThenLeft;

    CoverageMonitor(int n, IntPredicate correct, IntToLongFunction lastExecuted) {
        this.n = n;
        this.correct = correct;
        this.lastExecuted = lastExecuted;
        this.executedMark = new long[n];
    }

    @Override public void sent(int from, int to, Message m) {
        if (from >= n || !correct.test(from)) return;
        if (m instanceof ViewChange vc && vc.replica() == from) onViewChange(from, vc);
        else if (m instanceof NewView nv && newViewsSeen.add(nv.view())) onNewView(nv);
        else if (m instanceof PrePrepare pp) for (Request r : pp.batch()) proposed(r.client(), r.timestamp(), pp.view());
        else if (m instanceof PrePrepareByDigest pp) for (BatchEntry e : pp.batch()) proposed(e.client(), e.timestamp(), pp.view());
    }

    private void onViewChange(int from, ViewChange vc) {
        viewChanges.computeIfAbsent(vc.view(), v -> new ViewChange[n])[from] = vc;
        Long prior = lastViewChange.put(from, vc.view());
        if (prior != null && prior == vc.view()) return;   // a retransmission
        long executed = lastExecuted.applyAsLong(from);
        if (executed > executedMark[from]) executedThenLeft++;
        executedMark[from] = executed;
    }

    private void onNewView(NewView nv) {
        ViewChange[] vcs = viewChanges.getOrDefault(nv.view(), new ViewChange[n]);
        long end = nv.checkpointSeq() + nv.selected().size();
        boolean ruleA = false, beyond = false;
        for (NewView.ViewChangeRef ref : nv.viewChanges()) {
            ViewChange vc = ref.replica() >= 0 && ref.replica() < n ? vcs[ref.replica()] : null;
            if (vc == null) continue;
            for (ViewChange.PreparedEntry e : vc.prepared()) {
                if (e.seq() > end) beyond = true;
                long i = e.seq() - nv.checkpointSeq() - 1;
                if (i >= 0 && i < nv.selected().size() && e.digest().equals(NewView.NULL_REQUEST)
                        && nv.selected().get((int) i).equals(NewView.NULL_REQUEST)) ruleA = true;
            }
        }
        if (ruleA) ruleANulls++;
        if (beyond) trailing++;
    }

    private void proposed(int client, long timestamp, long view) {
        long key = ((long) client << 40) ^ timestamp;
        long[] views = proposedIn.computeIfAbsent(key, k -> new long[] {-1, -1, -1});
        for (int i = 0; i < 3; i++) {
            if (views[i] == view) return;
            if (views[i] == -1) {
                views[i] = view;
                if (i == 2) reproposed++;
                return;
            }
        }
    }

    ScheduleCoverage coverage(long staleReads, long actions, boolean sprung, boolean leftAlone) {
        return new ScheduleCoverage(ruleANulls, trailing, reproposed, executedThenLeft, staleReads, actions, sprung ? 1 : 0, leftAlone ? 1 : 0);
    }
}
