package io.bulwark.bft.core;

import static io.bulwark.bft.core.CoreFixture.CFG;
import static io.bulwark.bft.core.CoreFixture.CLIENT;
import static io.bulwark.bft.core.CoreFixture.pp;
import static io.bulwark.bft.core.CoreFixture.req;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.bulwark.bft.crypto.Digests;
import io.bulwark.bft.msg.Commit;
import io.bulwark.bft.msg.FetchBatch;
import io.bulwark.bft.msg.Message;
import io.bulwark.bft.msg.PrePrepare;
import io.bulwark.bft.msg.Prepare;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Agreement (section 4.2): prepared and committed certificates, in-order execution, bodies by digest. */
class AgreementTest {

    @Test
    void preparedNeedsTwoFPreparesFromBackupsAndThePrimarysOwnDoesNotCount() {
        CoreFixture x = new CoreFixture(1);
        PrePrepare p = pp(0, 1, req(CLIENT, 1, "a"));
        x.receive(0, p);
        x.receive(0, new Prepare(0, 1, p.digest(), 0));   // the primary sends no prepare
        assertEquals(1, x.r.counters().ignored(Ignored.NOT_FROM_PRIMARY));
        Slot s = x.r.agreement.log().get(1L);
        x.receive(3, new Prepare(0, 1, Digests.of(new byte[] {9}), 3));
        assertFalse(s.prepared, "a prepare for another digest does not count");
        x.receive(3, new Prepare(0, 1, p.digest(), 3));
        assertFalse(s.prepared, "a replica's first prepare counts, not a later one");
        assertEquals(0, s.preparesFor(p.digest(), 0, 1));
        x.receive(2, new Prepare(0, 1, p.digest(), 2));
        assertTrue(s.prepared, "our own prepare and one other backup's: 2f");
        assertEquals(1, s.preparesFor(p.digest(), 0, 1));
    }

    @Test
    void committedNeedsTwoFPlusOneCommitsIncludingOurOwn() {
        CoreFixture x = new CoreFixture(1);
        PrePrepare p = pp(0, 1, req(CLIENT, 1, "a"));
        x.receive(0, p);
        x.receive(2, new Prepare(0, 1, p.digest(), 2));
        x.receive(3, new Prepare(0, 1, p.digest(), 3));
        List<Message> sent = x.sent();
        assertTrue(sent.contains(new Commit(0, 1, p.digest(), 1)), "prepared: our commit goes out");
        assertEquals(1, x.r.agreement.maxPrepared);
        x.receive(2, new Commit(0, 1, p.digest(), 2));
        assertEquals(0, x.r.lastExecuted(), "two commits are not 2f+1");
        x.receive(0, new Commit(0, 1, p.digest(), 0));
        assertEquals(1, x.r.lastExecuted());
        assertEquals(1, x.r.agreement.maxCommitted);
    }

    @Test
    void batchesExecuteInSequenceOrderOnlyAndOneAtATime() {
        CoreFixture x = new CoreFixture(1);
        PrePrepare second = pp(0, 2, req(CLIENT, 2, "b"));
        x.commitAtBackup(second);
        assertEquals(List.of(), CoreFixture.executions(x.take()), "2 waits for 1");
        PrePrepare first = pp(0, 1, req(CLIENT, 1, "a"));
        x.commitAtBackup(first);
        assertEquals(List.of(1L, 2L), CoreFixture.executions(x.take()));
        assertEquals(-1, x.r.agreement.executing);
    }

    @Test
    void aPrePrepareBelowWhatWeExecutedWithAnotherBatchIsRefused() {
        CoreFixture x = new CoreFixture(1);
        x.commitAtBackup(pp(0, 1, req(CLIENT, 1, "a")));
        // A new log (as after a view change that started from 0) gets a different batch at 1.
        x.r.agreement.clearLog();
        x.receive(0, pp(0, 1, req(CLIENT + 1, 1, "other")));
        assertEquals(1, x.r.counters().ignored(Ignored.BELOW_EXECUTED));
    }

    @Test
    void badBatchesAreCountedByReason() {
        CoreFixture x = new CoreFixture(1);
        x.receive(0, pp(0, 1, CoreFixture.read(CLIENT, 1)));
        x.receive(0, new PrePrepare(0, 2, Digests.of(new byte[] {1}), NonDet.encodeTime(CoreFixture.NOW), List.of(req(CLIENT, 1, "a"))));
        x.receive(0, pp(0, 3, req(2, 1, "a")));   // a replica's id as a client
        assertEquals(1, x.r.counters().ignored(Ignored.READ_ONLY_IN_BATCH));
        assertEquals(1, x.r.counters().ignored(Ignored.BAD_BATCH_DIGEST));
        assertEquals(1, x.r.counters().ignored(Ignored.BAD_BATCH));
        for (long seq = 1; seq <= 3; seq++) assertNull(x.r.agreement.log().get(seq).digest);
    }

    @Test
    void aBatchCommittedByDigestWaitsForItsBodyWhichIsCheckedAgainstTheDigest() {
        CoreFixture x = new CoreFixture(1);
        PrePrepare p = pp(0, 1, req(CLIENT, 1, "a"));
        // A slot with a digest and no body (as a new view's decision leaves it), committed.
        Slot s = x.r.agreement.slot(1);
        s.digest = p.digest();
        s.prepares.put(1, p.digest());
        for (int j = 2; j <= 3; j++) x.receive(j, new Prepare(0, 1, p.digest(), j));
        for (int j : new int[] {0, 2, 3}) x.receive(j, new Commit(0, 1, p.digest(), j));
        assertTrue(s.committed);
        assertEquals(0, x.r.lastExecuted());
        assertTrue(x.sent().contains(new FetchBatch(1, 1, p.digest())), "the body is asked for");
        assertEquals(1, x.r.agreement.bodies.wantedCount());
        // A forged body (same digest claimed, other batch) is refused; the real one executes.
        x.receive(2, new PrePrepare(0, 1, p.digest(), p.nonDet(), List.of(req(CLIENT, 1, "forged"))));
        assertEquals(1, x.r.counters().ignored(Ignored.BAD_BATCH_DIGEST));
        assertEquals(0, x.r.lastExecuted());
        x.receive(2, new PrePrepare(5, 7, p.digest(), p.nonDet(), p.batch()));   // any view or number: the digest decides
        assertEquals(1, x.r.lastExecuted());
        assertEquals(0, x.r.agreement.bodies.wantedCount());
    }

    @Test
    void fetchBatchAnswersComeFromTheLogAndAreBudgetedPerStatusPeriod() {
        CoreFixture x = new CoreFixture(1);
        PrePrepare p = pp(0, 1, req(CLIENT, 1, "a"));
        x.receive(0, p);
        x.take();
        for (int i = 0; i < 2 * CFG.logSize(); i++) x.receive(3, new FetchBatch(3, 1, p.digest()));
        assertEquals(2 * CFG.logSize(), x.sent().stream().filter(m -> m.equals(p)).count());
        x.receive(3, new FetchBatch(3, 1, p.digest()));
        assertEquals(1, x.r.counters().ignored(Ignored.FETCH_BATCH_BUDGET));
        x.fire(TimerKind.STATUS);
        x.take();
        x.receive(3, new FetchBatch(3, 1, p.digest()));
        assertTrue(x.sent().contains(p), "a new period, a new budget");
    }
}
