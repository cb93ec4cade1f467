package io.bulwark.bft.sim;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** The history's clock: exact real-time order, even within one simulated microsecond. */
class HistoryTest {

    @Test
    void eventsInOneMicrosecondAreStillOrdered() {
        History h = new History();
        History.Op a = h.invoke(1, 0, new RegisterModel.Write(7), 100);
        h.complete(a, 0L, 100);
        History.Op b = h.invoke(1, 0, RegisterModel.READ, 100);   // the same microsecond as a's completion
        assertEquals(a.completeUs(), b.invokeUs);
        assertTrue(a.complete() < b.invoke, "a completed before b was invoked: a precedes b");
        assertTrue(a.invoke < a.complete());
        assertTrue(b.pending());
        assertEquals(History.PENDING, b.complete());
        h.complete(b, 0L, 101);   // a read of "absent" after the write completed
        assertFalse(LinearizabilityChecker.check(h.ops(), RegisterModel.INSTANCE).linearizable(),
                "the tie does not make the stale read concurrent with the write");
    }

    @Test
    void anOperationCompletesOnceWithAnOutput() {
        History h = new History();
        History.Op a = h.invoke(1, 0, RegisterModel.READ, 5);
        assertThrows(IllegalArgumentException.class, () -> h.complete(a, null, 6));
        h.complete(a, 0L, 6);
        assertThrows(IllegalStateException.class, () -> h.complete(a, 0L, 7));
        assertEquals(1, h.ops().size());
        assertThrows(UnsupportedOperationException.class, () -> h.ops().clear());
    }

    @Test
    void aWriteThatDidNotAnswerOkIsNotAWrite() {
        History h = new History();
        History.Op w = h.invoke(1, 0, new RegisterModel.Write(7), 1);
        h.complete(w, -2L, 2);   // an ERROR (or garbage) result for a PUT
        assertFalse(LinearizabilityChecker.check(h.ops(), RegisterModel.INSTANCE).linearizable());
    }
}
