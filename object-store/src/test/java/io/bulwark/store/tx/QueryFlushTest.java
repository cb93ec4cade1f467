package io.bulwark.store.tx;

import io.bulwark.store.Caller;
import io.bulwark.store.EntityExistsException;
import io.bulwark.store.codec.DeterministicCodec;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.*;

/**
 * A query writes the transaction's pending changes to entities of the queried type only: other types
 * live in other trees and cannot change its answer, and re-encoding every managed entity before every
 * query made each query cost O(managed entities).
 */
class QueryFlushTest {
    private static final Caller CALLER = new Caller(1, "alice", Set.of());
    private final EntityStore store = new EntityStore(DeterministicCodec.builder().build(), List.of(Account.class, Doc.class));
    private final MemoryPages base = new MemoryPages(4096);

    private TxContext begin() { return store.begin(base, CALLER, 1_000, 1, false); }

    @Test
    void aQueryFlushesOnlyItsOwnType() {
        TxContext setup = begin();
        setup.persist(new Account("a@x", "ann", 1));
        setup.persist(new Account("b@x", "bob", 1));
        setup.persist(new Doc("d1", new byte[]{1}));
        setup.commit();

        TxContext tx = begin();
        List<Account> accounts = tx.range(Account.class, "id", null, null, false, 0, 10);
        accounts.get(1).email = "a@x";   // breaks the unique index: found when Accounts are flushed
        assertEquals(1, tx.range(Doc.class, "key", null, null, false, 0, 10).size(), "a query on Docs leaves Accounts alone");
        assertEquals(1, tx.findBy(Doc.class, "key", "d1").size());
        assertThrows(EntityExistsException.class, () -> tx.findBy(Account.class, "owner", "ann"), "a query on Accounts flushes them");
        tx.rollback();
    }

    @Test
    void changesInsideMutableValuesAreStillFound() {
        TxContext setup = begin();
        setup.persist(new Doc("d1", new byte[]{1}));
        setup.commit();

        TxContext tx = begin();
        tx.get(Doc.class, "d1").blob[0] = 9;   // the field still holds the same array: only encoding can tell
        tx.commit();
        TxContext check = begin();
        assertArrayEquals(new byte[]{9}, check.get(Doc.class, "d1").blob);
        check.rollback();
    }

    /**
     * Queries stay right with many managed entities, of their own type and of another. (Their cost,
     * timed, is {@code bulwark bench store-scale}; a test does not time.)
     */
    @Test
    void queriesWithManyManagedEntitiesAnswerRight() {
        TxContext setup = begin();
        for (int i = 0; i < 2_000; i++) setup.persist(new Account("u" + i + "@x", "owner" + (i % 50), i));
        setup.persist(new Doc("d1", new byte[]{1}));
        setup.commit();

        TxContext tx = begin();
        List<Account> all = new ArrayList<>();
        for (long from = 0; from < 2_000; from += 1_000) all.addAll(tx.range(Account.class, "id", from, null, false, 0, 1_000));
        assertEquals(2_000, all.size());
        for (int q = 0; q < 50; q++) {
            assertEquals(1, tx.range(Doc.class, "key", null, null, false, 0, 10).size());
            assertEquals(40, tx.findBy(Account.class, "owner", "owner" + (q % 50)).size());
        }
        tx.rollback();
    }
}
