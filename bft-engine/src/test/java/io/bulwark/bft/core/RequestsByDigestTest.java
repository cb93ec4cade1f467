package io.bulwark.bft.core;

import static io.bulwark.bft.core.CoreFixture.CFG;
import static io.bulwark.bft.core.CoreFixture.CLIENT;
import static io.bulwark.bft.core.CoreFixture.NOW;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.bulwark.bft.crypto.Digest;
import io.bulwark.bft.msg.BatchEntry;
import io.bulwark.bft.msg.FetchBatch;
import io.bulwark.bft.msg.Message;
import io.bulwark.bft.msg.PrePrepare;
import io.bulwark.bft.msg.PrePrepareByDigest;
import io.bulwark.bft.msg.Prepare;
import io.bulwark.bft.msg.Request;
import io.bulwark.bft.msg.RequestRef;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.BitSet;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Large requests by digest (separate request transmission, issue 16 item 2): the primary names them
 * in its pre-prepare, a backup prepares only with the copy its client sent it or a body fetched by
 * the batch digest, and a faulty primary or client gets nothing prepared that a backup could not check.
 */
class RequestsByDigestTest {
    static final int LARGE = CFG.requestByDigestBytes();

    static Request large(int client, long ts, int fill) {
        byte[] op = new byte[LARGE + 10];
        Arrays.fill(op, (byte) fill);
        return new Request(client, ts, false, 0, op, new byte[0]);
    }

    /** The pre-prepare a correct primary 0 sends for {@code batch}, in both forms. */
    static PrePrepare full(long seq, Request... batch) { return CoreFixture.pp(0, seq, batch); }

    static PrePrepareByDigest byDigest(PrePrepare pp) { return PrePrepareByDigest.of(pp, LARGE); }

    static List<Prepare> prepares(List<Message> sent) {
        List<Prepare> p = new ArrayList<>();
        for (Message m : sent) if (m instanceof Prepare x) p.add(x);
        return p;
    }

    /** A whole status period after the pre-prepare arrived: the STATUS timer fires (a wait may fetch). */
    static void statusPeriodLater(CoreFixture x) {
        x.now = NOW + CFG.statusIntervalMs();
        x.fire(TimerKind.STATUS);
    }

    @Test
    void thePrimaryNamesLargeRequestsByDigestAndKeepsTheFullBatch() {
        CoreFixture x = new CoreFixture(0);
        Request big = large(CLIENT, 1, 7);
        x.receive(CLIENT, big);
        List<Message> sent = x.sent();
        PrePrepareByDigest lean = sent.stream().filter(PrePrepareByDigest.class::isInstance).map(PrePrepareByDigest.class::cast).findFirst().orElseThrow();
        assertTrue(sent.stream().noneMatch(PrePrepare.class::isInstance), "the large request is not sent again");
        RequestRef ref = assertInstanceOf(RequestRef.class, lean.batch().get(0));
        assertEquals(big.digest(), ref.digest());
        assertEquals(lean.digest(), lean.batchDigest(), "a reference hashes into the batch digest as its request does");
        PrePrepare kept = x.r.agreement.log().get(1L).prePrepare;
        assertEquals(lean.digest(), kept.digest());
        assertArrayEquals(big.operation(), kept.batch().get(0).operation(), "the primary keeps the body, for FETCH-BATCH and view changes");
        assertEquals(1, x.r.prePreparesByDigest());
        assertEquals(1, x.r.requestsByDigest());
    }

    @Test
    void smallRequestsTravelInline() {
        CoreFixture x = new CoreFixture(0);
        x.receive(CLIENT, CoreFixture.req(CLIENT, 1, "small"));
        assertTrue(x.sent().stream().anyMatch(PrePrepare.class::isInstance));
        assertEquals(0, x.r.prePreparesByDigest());
    }

    @Test
    void aBackupHoldingTheRequestPreparesTheFullBatch() {
        CoreFixture x = new CoreFixture(1);
        Request big = large(CLIENT, 1, 7), small = CoreFixture.req(CLIENT + 1, 1, "s");
        PrePrepare p = full(1, big, small);
        x.receive(CLIENT, big);
        x.take();
        x.receive(0, byDigest(p));
        assertEquals(List.of(new Prepare(0, 1, p.digest(), 1)), prepares(x.sent()));
        Slot s = x.r.agreement.log().get(1L);
        assertArrayEquals(big.operation(), s.prePrepare.batch().get(0).operation());
        assertEquals(0, x.r.prePreparesAwaitedRequests());
    }

    @Test
    void aPrePrepareThatArrivesBeforeItsRequestWaitsForIt() {
        CoreFixture x = new CoreFixture(1);
        Request big = large(CLIENT, 1, 7);
        PrePrepare p = full(1, big);
        x.receive(0, byDigest(p));
        assertTrue(prepares(x.sent()).isEmpty(), "no prepare without the request");
        assertEquals(1, x.r.prePreparesAwaitingRequests());
        x.receive(CLIENT, big);
        assertEquals(List.of(new Prepare(0, 1, p.digest(), 1)), prepares(x.sent()));
        assertEquals(0, x.r.prePreparesAwaitingRequests());
        assertEquals(1, x.r.prePreparesAwaitedRequests());
        assertEquals(0, x.r.prePreparesFetchedBody());
    }

    @Test
    void aRequestThePrimaryAloneGotIsFetchedByTheBatchDigestAfterAStatusPeriod() {
        CoreFixture x = new CoreFixture(1);
        Request big = large(CLIENT, 1, 7);
        PrePrepare p = full(1, big);
        x.receive(0, byDigest(p));
        x.fire(TimerKind.STATUS);
        assertTrue(x.sent().stream().noneMatch(FetchBatch.class::isInstance), "not before a whole status period");
        statusPeriodLater(x);
        assertEquals(List.of(new FetchBatch(1, 1, p.digest())), x.sent().stream().filter(FetchBatch.class::isInstance).toList(),
                "asked for once in a status period");
        x.receive(2, p);   // another backup's (or the primary's) answer: checked by its digest
        assertEquals(List.of(new Prepare(0, 1, p.digest(), 1)), prepares(x.sent()));
        assertEquals(1, x.r.prePreparesFetchedBody());
        assertEquals(0, x.r.prePreparesAwaitingRequests());
    }

    @Test
    void aFetchedRequestThatDoesNotAuthenticateHereIsNotPrepared() {
        // A faulty client sent the primary a request MACed badly for this backup, and none to the
        // backup: the body fetched by digest carries it unverified, so the backup waits for f+1 other
        // backups to vouch for it (section 4.2), as for the same request carried inline.
        CoreFixture x = new CoreFixture(1);
        Request big = large(CLIENT, 1, 7);
        PrePrepare p = full(1, big);
        x.receive(0, byDigest(p));
        statusPeriodLater(x);
        x.take();
        BitSet bad = new BitSet();
        bad.set(0);
        x.r.receive(x.now, 2, p, bad);
        x.collect();
        assertTrue(prepares(x.sent()).isEmpty());
        assertTrue(x.r.counters().ignored(Ignored.UNAUTHENTICATED_REQUEST) > 0);
        assertEquals(p.digest(), x.r.agreement.log().get(1L).parked.digest());
    }

    @Test
    void aCopyThatDiffersFromTheNamedRequestIsNotUsed() {
        // A faulty client sent this backup another operation under the same timestamp: the reference
        // does not name it, so the backup waits, and prepares only the batch the digest fixes.
        CoreFixture x = new CoreFixture(1);
        Request named = large(CLIENT, 1, 7), other = large(CLIENT, 1, 8);
        PrePrepare p = full(1, named);
        x.receive(CLIENT, other);
        x.take();
        x.receive(0, byDigest(p));
        assertTrue(prepares(x.sent()).isEmpty());
        assertEquals(1, x.r.prePreparesAwaitingRequests());
        statusPeriodLater(x);
        x.receive(0, p);   // the primary's answer to the FETCH-BATCH
        List<Prepare> prepared = prepares(x.sent());
        assertEquals(List.of(new Prepare(0, 1, p.digest(), 1)), prepared);
        assertArrayEquals(named.operation(), x.r.agreement.log().get(1L).prePrepare.batch().get(0).operation());
        assertEquals(1, x.r.prePreparesFetchedBody());
        x.now += CFG.statusIntervalMs();
        x.fire(TimerKind.STATUS);
        assertTrue(x.sent().stream().noneMatch(FetchBatch.class::isInstance), "the body is here: not asked for again");
    }

    @Test
    void aPrimaryThatNamesWhatItsDigestDoesNotCoverIsRefusedAndNothingIsFetched() {
        CoreFixture x = new CoreFixture(1);
        Request big = large(CLIENT, 1, 7);
        PrePrepare p = full(1, big);
        PrePrepareByDigest lean = byDigest(p);
        List<BatchEntry> forged = List.of(new RequestRef(CLIENT, 1, false, 0, new Digest(new byte[Digest.LENGTH])));
        x.receive(0, new PrePrepareByDigest(0, 1, lean.digest(), lean.nonDet(), forged));
        assertEquals(1, x.r.counters().ignored(Ignored.BAD_BATCH_DIGEST));
        assertEquals(0, x.r.prePreparesAwaitingRequests());
        statusPeriodLater(x);
        assertTrue(x.sent().stream().noneMatch(FetchBatch.class::isInstance));
        assertNull(x.r.agreement.log().get(1L).digest);
    }

    @Test
    void aBodyThatDoesNotMatchTheDigestIsNotTaken() {
        CoreFixture x = new CoreFixture(1);
        Request big = large(CLIENT, 1, 7);
        PrePrepare p = full(1, big);
        x.receive(0, byDigest(p));
        statusPeriodLater(x);
        x.take();
        PrePrepare lie = new PrePrepare(0, 1, p.digest(), p.nonDet(), List.of(large(CLIENT, 1, 9)));
        x.receive(2, lie);
        assertTrue(prepares(x.sent()).isEmpty());
        assertEquals(1, x.r.counters().ignored(Ignored.BAD_BATCH_DIGEST));
        assertEquals(1, x.r.prePreparesAwaitingRequests(), "still waiting for the real body");
    }

    @Test
    void aRequestNamedInAWaitingPrePrepareNoLongerRunsTheOrderingDeadline() {
        // A correct client's request shares a batch with one its (faulty) client sent the primary alone:
        // the backup waits for that body, but the primary did order the correct one, so the ordering
        // deadline (a slow primary's) must not make this backup suspect it.
        CoreFixture x = new CoreFixture(1);
        Request correct = large(CLIENT, 1, 7), alone = large(CLIENT + 1, 1, 8);
        x.receive(CLIENT, correct);
        assertTrue(x.r.requests.oldestAwaitingOrder() != null);
        x.receive(0, byDigest(full(1, correct, alone)));
        assertEquals(1, x.r.prePreparesAwaitingRequests());
        assertNull(x.r.requests.oldestAwaitingOrder(), "ordered by the primary, waiting for the other body");
        x.now = NOW + CFG.viewChangeTimeoutMs();
        x.fire(TimerKind.ORDERING);
        assertTrue(x.r.viewActive, "no suspicion of a primary that ordered the request");
    }

    @Test
    void aRequestThatArrivesWhileAnotherBodyIsMissingStopsItsOrderingDeadlineToo() {
        CoreFixture x = new CoreFixture(1);
        Request correct = large(CLIENT, 1, 7), alone = large(CLIENT + 1, 1, 8);
        x.receive(0, byDigest(full(1, correct, alone)));
        x.receive(CLIENT, correct);
        assertEquals(1, x.r.prePreparesAwaitingRequests());
        assertNull(x.r.requests.oldestAwaitingOrder());
    }

    @Test
    void leavingTheViewDropsWhatWaits() {
        CoreFixture x = new CoreFixture(1);
        x.receive(0, byDigest(full(1, large(CLIENT, 1, 7))));
        assertEquals(1, x.r.prePreparesAwaitingRequests());
        x.r.views.startViewChange(1);
        x.collect();
        assertFalse(x.r.viewActive);
        assertEquals(0, x.r.prePreparesAwaitingRequests());
    }
}
