package io.bulwark.store.sim;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.bulwark.bft.sim.History;
import io.bulwark.bft.sim.LinearizabilityChecker;
import org.junit.jupiter.api.Test;

/** The bank's specification under the checker: wrong answers a faulty store could give are rejected. */
class BankModelTest {
    private final History h = new History();
    private long us;

    private void op(int client, Object input, Object output) {
        History.Op op = h.invoke(client, 0, input, us++);
        h.complete(op, output, us++);
    }

    private boolean linearizable() { return LinearizabilityChecker.check(h.ops(), BankModel.INSTANCE).ok(); }

    private void open() {
        op(1, new BankModel.Open("a", 100), BankModel.OPENED);
        op(1, new BankModel.Open("b", 100), BankModel.OPENED);
    }

    @Test
    void exactAnswersInOrderAreAccepted() {
        open();
        op(2, new BankModel.Transfer("a", "b", 30), 70L);
        op(3, new BankModel.Balance("b"), 130L);
        op(2, new BankModel.Transfer("a", "b", 80), BankModel.REFUSED);
        op(2, new BankModel.Transfer("b", "a", 130), 0L);
        op(3, new BankModel.Balance("a"), 200L);
        assertTrue(linearizable());
    }

    @Test
    void aLostTransferIsRejected() {
        open();
        op(2, new BankModel.Transfer("a", "b", 30), 70L);
        op(3, new BankModel.Balance("b"), 100L);
        assertFalse(linearizable());
    }

    @Test
    void aDuplicatedTransferIsRejected() {
        open();
        op(2, new BankModel.Transfer("a", "b", 30), 70L);
        op(3, new BankModel.Balance("a"), 40L);
        assertFalse(linearizable());
    }

    @Test
    void aRefusalThatWasNoOverdraftIsRejected() {
        open();
        op(2, new BankModel.Transfer("a", "b", 60), BankModel.REFUSED);
        assertFalse(linearizable());
    }

    @Test
    void reorderedTransfersAreRejected() {
        // 60 then 50 from a: the second must be refused; accepting it means the order was changed.
        open();
        op(2, new BankModel.Transfer("a", "b", 60), 40L);
        op(2, new BankModel.Transfer("a", "b", 50), 50L);
        assertFalse(linearizable());
    }

    @Test
    void concurrentTransfersMayCommitInEitherOrder() {
        open();
        History.Op t1 = h.invoke(2, 0, new BankModel.Transfer("a", "b", 60), us++);
        History.Op t2 = h.invoke(3, 0, new BankModel.Transfer("a", "b", 50), us++);
        h.complete(t1, BankModel.REFUSED, us++);   // t2 went first
        h.complete(t2, 50L, us++);
        op(4, new BankModel.Balance("b"), 150L);
        assertTrue(linearizable());
    }
}
