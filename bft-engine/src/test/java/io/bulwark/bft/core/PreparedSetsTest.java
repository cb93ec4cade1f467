package io.bulwark.bft.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.bulwark.bft.crypto.Digest;
import io.bulwark.bft.crypto.Digests;
import io.bulwark.bft.msg.ViewChange.DigestView;
import io.bulwark.bft.msg.ViewChange.PreparedEntry;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

/** Figure 2: P and Q across consecutive view changes, and the f+2 bound on QSet entries. */
class PreparedSetsTest {
    private static Digest d(int i) { return Digests.of(new byte[] {(byte) i}); }

    private static Map<Long, Slot> slot(long seq, Digest digest, boolean prepared) {
        Slot s = new Slot(seq, 4);
        s.digest = digest;
        s.prepared = prepared;
        TreeMap<Long, Slot> m = new TreeMap<>();
        m.put(seq, s);
        return m;
    }

    @Test
    void preparedInAnEarlierViewSurvivesAViewWhereNothingHappened() {
        PreparedSets sets = new PreparedSets(1);
        sets.leaveView(0, 0, 8, slot(3, d(1), true));
        sets.leaveView(1, 0, 8, new TreeMap<>());   // view 1 never started: P and Q carry over
        assertEquals(List.of(new PreparedEntry(3, d(1), 0)), sets.prepared());
        assertEquals(List.of(new DigestView(d(1), 0)), sets.prePrepared().get(0).entries());
    }

    @Test
    void qKeepsAtMostFPlusTwoDigestsDroppingTheOldestView() {
        PreparedSets sets = new PreparedSets(1);   // f + 2 = 3
        for (int v = 0; v < 5; v++) sets.leaveView(v, 0, 8, slot(3, d(v), false));
        List<DigestView> q = sets.prePrepared().get(0).entries();
        assertEquals(3, q.size());
        assertTrue(q.containsAll(List.of(new DigestView(d(2), 2), new DigestView(d(3), 3), new DigestView(d(4), 4))));
        assertTrue(sets.prepared().isEmpty(), "nothing prepared");
    }

    @Test
    void aDigestPrePreparedAgainMovesToTheLaterView() {
        PreparedSets sets = new PreparedSets(1);
        sets.leaveView(0, 0, 8, slot(3, d(1), false));
        sets.leaveView(1, 0, 8, slot(3, d(1), true));
        assertEquals(List.of(new DigestView(d(1), 1)), sets.prePrepared().get(0).entries());
        assertEquals(List.of(new PreparedEntry(3, d(1), 1)), sets.prepared());
        sets.truncate(3);
        assertTrue(sets.isEmpty(), "entries at or below the low water mark go");
    }
}
