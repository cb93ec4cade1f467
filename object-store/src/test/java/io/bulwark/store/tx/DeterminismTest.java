package io.bulwark.store.tx;

import io.bulwark.store.Caller;
import io.bulwark.store.StoreException;
import io.bulwark.store.codec.DeterministicCodec;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Set;
import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.*;

/** Two independent stores fed the same operations (including failing ones) end with byte-identical pages. */
class DeterminismTest {
    static final Caller CALLER = new Caller(3, "c", Set.of());

    /** Runs a seeded mix of transactions; returns how many committed. */
    private static int play(MemoryPages pages, long seed) {
        EntityStore store = new EntityStore(DeterministicCodec.builder().build(), List.of(Account.class, Doc.class));
        SplittableRandom r = new SplittableRandom(seed);
        int committed = 0;
        for (int t = 0; t < 300; t++) {
            TxContext tx = store.begin(pages, CALLER, 1_000L * t, r.nextLong(), false);
            try {
                int ops = 1 + r.nextInt(5);
                for (int i = 0; i < ops; i++) {
                    long id = 1 + r.nextInt(60);
                    switch (r.nextInt(6)) {
                        case 0, 1 -> tx.persist(new Account("e" + r.nextInt(80) + "@x", "o" + r.nextInt(5), r.nextInt(100) - 5));
                        case 2 -> {
                            Account a = tx.find(Account.class, id);
                            if (a != null) a.balance += tx.random().nextInt(10) - 3;
                        }
                        case 3 -> {
                            Account a = tx.find(Account.class, id);
                            if (a != null) tx.remove(a);
                        }
                        case 4 -> tx.persist(new Doc("d" + r.nextInt(20), new byte[r.nextInt(3000)]));
                        default -> {
                            Account a = tx.find(Account.class, id);
                            if (a != null) a.email = "e" + r.nextInt(80) + "@x";
                        }
                    }
                }
                tx.commit();
                committed++;
            } catch (StoreException e) {
                tx.rollback();
            }
        }
        return committed;
    }

    @Test
    void sameOperationsGiveTheSamePages() {
        MemoryPages a = new MemoryPages(1024);
        MemoryPages b = new MemoryPages(1024);
        int ca = play(a, 2024);
        int cb = play(b, 2024);
        assertEquals(ca, cb);
        assertTrue(ca > 50 && ca < 300, "a mix of committed and failed transactions: " + ca);
        assertTrue(a.sameAs(b), "byte-identical pages");
        MemoryPages c = new MemoryPages(1024);
        play(c, 2025);
        assertFalse(a.sameAs(c), "another seed gives another state (the check can fail)");
    }
}
