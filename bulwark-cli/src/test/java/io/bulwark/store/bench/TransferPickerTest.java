package io.bulwark.store.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class TransferPickerTest {

    @Test
    void transfersStayInRangeNeverSelfAndReachEveryAccount() {
        TransferPicker p = new TransferPicker(42, 3, 7, 5);
        boolean[] fromSeen = new boolean[8], toSeen = new boolean[8];
        for (int i = 0; i < 5000; i++) {
            p.next();
            assertTrue(p.from() >= 1 && p.from() <= 7 && p.to() >= 1 && p.to() <= 7, p.from() + "->" + p.to());
            assertNotEquals(p.from(), p.to());
            assertTrue(p.amount() >= 1 && p.amount() <= 5);
            fromSeen[(int) p.from()] = true;
            toSeen[(int) p.to()] = true;
        }
        for (int a = 1; a <= 7; a++) assertTrue(fromSeen[a] && toSeen[a], "account " + a);
    }

    @Test
    void sameSeedAndClientGiveTheSameSequenceAndClientsDiffer() {
        TransferPicker a = new TransferPicker(9, 0, 1000, 100), b = new TransferPicker(9, 0, 1000, 100), c = new TransferPicker(9, 1, 1000, 100);
        int differ = 0;
        for (int i = 0; i < 100; i++) {
            a.next();
            b.next();
            c.next();
            assertEquals(List3.of(a), List3.of(b));
            if (!List3.of(a).equals(List3.of(c))) differ++;
        }
        assertTrue(differ > 90, "clients draw different transfers");
    }

    @Test
    void refusesDegenerateWorkloads() {
        assertThrows(IllegalArgumentException.class, () -> new TransferPicker(1, 0, 1, 10));
        assertThrows(IllegalArgumentException.class, () -> new TransferPicker(1, 0, 10, 0));
    }

    private record List3(long from, long to, long amount) {
        static List3 of(TransferPicker p) { return new List3(p.from(), p.to(), p.amount()); }
    }
}
