package io.bulwark.bft.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.bulwark.bft.crypto.Digest;
import io.bulwark.bft.crypto.Digests;
import io.bulwark.bft.msg.NewView;
import io.bulwark.bft.msg.ViewChange;
import io.bulwark.bft.msg.ViewChange.CheckpointRef;
import io.bulwark.bft.msg.ViewChange.DigestView;
import io.bulwark.bft.msg.ViewChange.PrePreparedEntry;
import io.bulwark.bft.msg.ViewChange.PreparedEntry;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Figure 3 at f = 1: what the new primary selects and what backups accept, with lying view-changes. */
class NewViewDecisionTest {
    private static final int F = 1;
    private static final int L = 8;
    private static final Digest CP = d("checkpoint 4");
    private static final Digest A = d("batch a");
    private static final Digest B = d("batch b");

    private static Digest d(String s) { return Digests.of(s.getBytes()); }

    private static ViewChange vc(int replica, long ls, List<PreparedEntry> p, List<PrePreparedEntry> q) {
        return new ViewChange(2, replica, ls, List.of(new CheckpointRef(4, CP)), p, q);
    }

    private static ViewChange empty(int replica) { return vc(replica, 4, List.of(), List.of()); }

    /** Prepared A at 5 in view 1 (and so pre-prepared it). */
    private static ViewChange preparedA(int replica) {
        return vc(replica, 4, List.of(new PreparedEntry(5, A, 1)), List.of(new PrePreparedEntry(5, List.of(new DigestView(A, 1)))));
    }

    private static NewView nv(List<Digest> selected) {
        return new NewView(2, List.of(), 4, CP, selected);
    }

    @Test
    void aRequestThatPreparedAtFPlusOneIsSelectedEvenWithALiarClaimingALaterView() {
        // Replica 3 lies: it claims B prepared at 5 in view 1 with no one else having pre-prepared B.
        ViewChange liar = vc(3, 4, List.of(new PreparedEntry(5, B, 1)), List.of(new PrePreparedEntry(5, List.of(new DigestView(B, 1)))));
        // With the liar among only 2f+1 messages, A1 fails for A: the primary waits for more (section 4.5).
        assertFalse(new NewViewDecision(List.of(preparedA(0), preparedA(1), liar), F, L).decide(x -> true).decided());
        NewViewDecision dec = new NewViewDecision(List.of(preparedA(0), preparedA(1), empty(2), liar), F, L);
        NewViewDecision.Outcome o = dec.decide(x -> true);
        assertTrue(o.decided());
        assertEquals(4, o.start().seq());
        assertEquals(List.of(A), o.selected(), "A: A1 and A2 hold for A only; trailing nulls are implied");
        assertTrue(dec.verify(nv(List.of(A))));
        assertFalse(dec.verify(nv(List.of(B))), "B lacks f+1 pre-prepares (A2)");
        assertFalse(dec.verify(nv(List.of())), "a null request where A may have committed breaks B");
    }

    @Test
    void aLiarOmittingAPreparedRequestCannotMakeItNull() {
        // A committed: it prepared at replicas 0 and 1 (f+1 correct); the liar 3 reports nothing.
        NewViewDecision dec = new NewViewDecision(List.of(preparedA(0), preparedA(1), empty(3)), F, L);
        assertEquals(List.of(A), dec.decide(x -> true).selected());
        assertFalse(dec.verify(nv(List.of(NewView.NULL_REQUEST))), "only one message lacks an entry: not 2f+1");
        // Seeing only one of the two that prepared A, the primary cannot decide yet (A2), nor choose null (B).
        assertFalse(new NewViewDecision(List.of(preparedA(0), empty(2), empty(3)), F, L).decide(x -> true).decided());
    }

    @Test
    void nothingPreparedGivesNullRequests() {
        NewViewDecision dec = new NewViewDecision(List.of(empty(0), empty(1), empty(2)), F, L);
        NewViewDecision.Outcome o = dec.decide(x -> true);
        assertEquals(List.of(), o.selected());
        assertTrue(dec.verify(nv(List.of())));
        assertTrue(dec.verify(nv(List.of(NewView.NULL_REQUEST, NewView.NULL_REQUEST))), "rule B holds for explicit nulls too");
        assertFalse(dec.verify(nv(List.of(A))), "nobody prepared A");
    }

    @Test
    void aMissingBodyIsFetchedBeforeDeciding() {
        // Condition A3: the primary must have the request; here 2f+1 report A so B (null) cannot hold.
        NewViewDecision dec = new NewViewDecision(List.of(preparedA(0), preparedA(1), preparedA(2)), F, L);
        NewViewDecision.Outcome o = dec.decide(x -> !x.equals(A));
        assertFalse(o.decided());
        assertEquals(A, o.missingBodies().get(5L));
    }

    @Test
    void theCheckpointIsTheHighestThatFPlusOneHoldAndTwoFPlusOneHaveReached() {
        Digest cp8 = d("checkpoint 8");
        ViewChange ahead = new ViewChange(2, 0, 8, List.of(new CheckpointRef(4, CP), new CheckpointRef(8, cp8)), List.of(), List.of());
        ViewChange alsoAhead = new ViewChange(2, 1, 4, List.of(new CheckpointRef(4, CP), new CheckpointRef(8, cp8)), List.of(), List.of());
        ViewChange liar = new ViewChange(2, 3, 4, List.of(new CheckpointRef(12, d("forged"))), List.of(), List.of());
        NewViewDecision dec = new NewViewDecision(List.of(ahead, alsoAhead, empty(2), liar), F, L);
        assertEquals(new NewViewDecision.Start(8, cp8), dec.start(), "12 has one holder only");
        // With only one holder of 8, the start falls back to 4.
        assertEquals(new NewViewDecision.Start(4, CP), new NewViewDecision(List.of(alsoAhead, empty(2), liar), F, L).start());
        // A stable checkpoint above the low water mark of 2f+1 is not selectable: ordering information would be lost.
        ViewChange far = new ViewChange(2, 2, 12, List.of(new CheckpointRef(12, d("checkpoint 12"))), List.of(), List.of());
        assertNull(new NewViewDecision(List.of(ahead, alsoAhead, far), F, L).start(), "no checkpoint has f+1 holders and 2f+1 at or below it");
    }

    @Test
    void aLaterViewWinsWhenTheSameSequenceNumberPreparedTwice() {
        // B prepared at 5 in view 1 at replicas 1 and 2 after A prepared in view 0 at replica 0 only.
        ViewChange old = vc(0, 4, List.of(new PreparedEntry(5, A, 0)), List.of(new PrePreparedEntry(5, List.of(new DigestView(A, 0)))));
        ViewChange newer1 = vc(1, 4, List.of(new PreparedEntry(5, B, 1)), List.of(new PrePreparedEntry(5, List.of(new DigestView(A, 0), new DigestView(B, 1)))));
        ViewChange newer2 = vc(2, 4, List.of(new PreparedEntry(5, B, 1)), List.of(new PrePreparedEntry(5, List.of(new DigestView(B, 1)))));
        NewViewDecision dec = new NewViewDecision(List.of(old, newer1, newer2), F, L);
        assertEquals(List.of(B), dec.decide(x -> true).selected());
        assertFalse(dec.verify(nv(List.of(A))), "A1 fails for A: two messages report a later view");
    }

    /** Prepared the null request at 5 in view 1 (a null selected by the new view of view 1), and so pre-prepared it. */
    private static ViewChange preparedNull(int replica) {
        return vc(replica, 4, List.of(new PreparedEntry(5, NewView.NULL_REQUEST, 1)),
                List.of(new PrePreparedEntry(5, List.of(new DigestView(NewView.NULL_REQUEST, 1)))));
    }

    @Test
    void aNullRequestChosenByRuleAStaysExplicitAndCannotBeImplied() {
        // Issue 18: the null at 5 prepared at replicas 1 and 2 in view 1 (and may have committed);
        // replica 0 (faulty, or behind) reports nothing. Rule A holds for the null, rule B does not.
        NewViewDecision dec = new NewViewDecision(List.of(empty(0), preparedNull(1), preparedNull(2)), F, L);
        NewViewDecision.Outcome o = dec.decide(x -> true);
        assertTrue(o.decided());
        assertEquals(List.of(NewView.NULL_REQUEST), o.selected(), "the rule-A null keeps its number explicitly");
        assertTrue(dec.verify(nv(List.of(NewView.NULL_REQUEST))));
        assertFalse(dec.verify(nv(List.of())), "an implied null frees the number: only rule B may do that");
        assertFalse(dec.verify(nv(List.of(A))), "nobody prepared A");
        // Implied nulls after it are fine where rule B holds.
        assertTrue(dec.verify(nv(List.of(NewView.NULL_REQUEST))));
    }

    @Test
    void trailingNullsByRuleBAreImpliedButARuleAChoiceBeforeThemIsKept() {
        NewViewDecision dec = new NewViewDecision(List.of(preparedA(0), preparedA(1), empty(2)), F, L);
        assertEquals(List.of(A), dec.decide(x -> true).selected(), "6.. are rule B: implied");
        assertTrue(dec.verify(nv(List.of(A, NewView.NULL_REQUEST))), "an explicit rule-B null is the same decision as an implied one");
    }
}
