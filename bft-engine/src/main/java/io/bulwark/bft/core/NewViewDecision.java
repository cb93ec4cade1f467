package io.bulwark.bft.core;

import io.bulwark.bft.config.ProtocolConfig;
import io.bulwark.bft.crypto.Digest;
import io.bulwark.bft.msg.NewView;
import io.bulwark.bft.msg.ViewChange;
import io.bulwark.bft.msg.ViewChange.CheckpointRef;
import io.bulwark.bft.msg.ViewChange.DigestView;
import io.bulwark.bft.msg.ViewChange.PrePreparedEntry;
import io.bulwark.bft.msg.ViewChange.PreparedEntry;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Predicate;

/**
 * The decision procedure of Figure 3 (section 4.5) over a set S of view-change messages: the new
 * primary runs it to build NEW-VIEW, and each backup runs the same checks on the same messages to
 * verify the primary's decision. Pure and deterministic.
 * <p>
 * Safety argument (section 4.5): a request that committed at a correct replica prepared at f+1
 * correct replicas, so any 2f+1 view-changes include one that reports it in P with the latest view,
 * and no other request can then satisfy A1 or B for that sequence number.
 */
final class NewViewDecision {
    private final int f;
    private final int logSize;
    private final List<Indexed> s;

    /** One view-change with its P and Q indexed by sequence number. */
    private record Indexed(ViewChange m, Map<Long, PreparedEntry> p, Map<Long, List<DigestView>> q) {}

    /** The checkpoint chosen as the new view's starting state. */
    record Start(long seq, Digest digest) {}

    /** The primary's outcome: a decision, or the batch bodies it still needs (condition A3). */
    record Outcome(Start start, List<Digest> selected, Map<Long, Digest> missingBodies) {
        boolean decided() { return selected != null; }
    }

    NewViewDecision(List<ViewChange> viewChanges, int f, int logSize) {
        this.f = f;
        this.logSize = logSize;
        this.s = new ArrayList<>(viewChanges.size());
        for (ViewChange m : viewChanges) {
            Map<Long, PreparedEntry> p = new HashMap<>();
            for (PreparedEntry e : m.prepared()) p.putIfAbsent(e.seq(), e);
            Map<Long, List<DigestView>> q = new HashMap<>();
            for (PrePreparedEntry e : m.prePrepared()) q.putIfAbsent(e.seq(), e.entries());
            s.add(new Indexed(m, p, q));
        }
    }

    /**
     * The checkpoint: the highest (n, d) such that 2f+1 messages have ls ≤ n and f+1 messages hold
     * (n, d) in C — known correct, and above the low water mark of f+1 correct replicas, so the
     * ordering information for later requests is still available. Null when there is none yet.
     */
    Start start() {
        Map<Long, Map<Digest, Integer>> holders = new HashMap<>();
        for (Indexed x : s) {
            Set<CheckpointRef> seen = new HashSet<>(x.m.checkpoints());
            for (CheckpointRef c : seen) holders.computeIfAbsent(c.seq(), k -> new HashMap<>()).merge(c.digest(), 1, Integer::sum);
        }
        Start best = null;
        for (var bySeq : holders.entrySet()) {
            long n = bySeq.getKey();
            if (best != null && n < best.seq) continue;
            int below = 0;
            for (Indexed x : s) if (x.m.stableSeq() <= n) below++;
            if (below < ProtocolConfig.quorum(f)) continue;
            for (var d : bySeq.getValue().entrySet()) {
                if (d.getValue() < ProtocolConfig.weakQuorum(f)) continue;
                Start c = new Start(n, d.getKey());
                if (best == null || n > best.seq || (n == best.seq && d.getKey().compareTo(best.digest) < 0)) best = c;
            }
        }
        return best;
    }

    /** The primary's run: a request or null request for every sequence number, or what is missing. */
    Outcome decide(Predicate<Digest> haveBody) {
        Start start = start();
        if (start == null) return new Outcome(null, null, Map.of());
        List<Digest> selected = new ArrayList<>();
        Map<Long, Digest> missing = new HashMap<>();
        boolean undecided = false;
        int lastByRuleA = 0;
        for (long n = start.seq + 1; n <= start.seq + logSize; n++) {
            Digest chosen = null;
            Digest candidate = bestCandidate(n);
            if (candidate != null && haveBody.test(candidate)) {
                chosen = candidate;                                                // A1, A2, A3
                // Rule A keeps the number for what may have committed there — a null request from an
                // earlier new view too (issue 18): it stays in the explicit list.
                lastByRuleA = selected.size() + 1;
            }
            else if (noneCommitted(n)) chosen = NewView.NULL_REQUEST;             // condition B
            else if (candidate != null) missing.put(n, candidate);                // A1, A2 hold; A3 does not yet
            if (chosen == null) undecided = true;
            selected.add(chosen);
        }
        if (undecided) return new Outcome(start, null, missing);
        // Only null requests chosen by rule B after the last rule-A choice are implied (NewView's
        // contract): rule B is what frees those numbers for new requests.
        return new Outcome(start, List.copyOf(selected.subList(0, lastByRuleA)), Map.of());
    }

    /** A backup's check that {@code nv}'s decision is supported by these view-changes. */
    boolean verify(NewView nv) {
        Start start = start();
        if (start == null || start.seq != nv.checkpointSeq() || !start.digest.equals(nv.checkpointDigest())) return false;
        if (nv.selected().size() > logSize) return false;
        for (long n = start.seq + 1; n <= start.seq + logSize; n++) {
            int i = (int) (n - start.seq - 1);
            boolean ok;
            if (i >= nv.selected().size()) {
                // An implied null frees the number for a new request: only rule B allows that (a null
                // request that committed in an earlier view keeps its number — issue 18).
                ok = noneCommitted(n);
            } else {
                Digest d = nv.selected().get(i);
                // An explicit null is fine where nothing can have committed (B), or where it is itself
                // the request that prepared (a null request from an earlier new view, rule A).
                ok = d.equals(NewView.NULL_REQUEST) ? noneCommitted(n) || supported(n, d) : supported(n, d);
            }
            if (!ok) return false;
        }
        return true;
    }

    /** Among the P entries for n, the one satisfying A1 and A2 with the highest view (ties: smallest digest). */
    private Digest bestCandidate(long n) {
        PreparedEntry best = null;
        for (Indexed x : s) {
            PreparedEntry e = x.p.get(n);
            if (e == null || !a1(n, e) || !a2(n, e)) continue;
            if (best == null || e.view() > best.view() || (e.view() == best.view() && e.digest().compareTo(best.digest()) < 0)) best = e;
        }
        return best == null ? null : best.digest();
    }

    private boolean supported(long n, Digest d) {
        for (Indexed x : s) {
            PreparedEntry e = x.p.get(n);
            if (e != null && e.digest().equals(d) && a1(n, e) && a2(n, e)) return true;
        }
        return false;
    }

    /** A1: 2f+1 messages with ls &lt; n whose P has nothing for n, or something older, or the same. */
    private boolean a1(long n, PreparedEntry e) {
        int count = 0;
        for (Indexed x : s) {
            if (x.m.stableSeq() >= n) continue;
            PreparedEntry o = x.p.get(n);
            if (o == null || o.view() < e.view() || (o.view() == e.view() && o.digest().equals(e.digest()))) count++;
        }
        return count >= ProtocolConfig.quorum(f);
    }

    /** A2: f+1 messages whose Q shows the same digest pre-prepared for n in view v or later. */
    private boolean a2(long n, PreparedEntry e) {
        int count = 0;
        for (Indexed x : s) {
            List<DigestView> q = x.q.get(n);
            if (q == null) continue;
            for (DigestView dv : q) {
                if (dv.digest().equals(e.digest()) && dv.view() >= e.view()) { count++; break; }
            }
        }
        return count >= ProtocolConfig.weakQuorum(f);
    }

    /** B: 2f+1 messages with ls &lt; n and no P entry for n — nothing can have committed at n. */
    private boolean noneCommitted(long n) {
        int count = 0;
        for (Indexed x : s) if (x.m.stableSeq() < n && !x.p.containsKey(n)) count++;
        return count >= ProtocolConfig.quorum(f);
    }
}
