package io.bulwark.store.tx;

import io.bulwark.store.BadRequestException;
import io.bulwark.store.Caller;
import io.bulwark.store.EntityExistsException;
import io.bulwark.store.NotFoundException;
import io.bulwark.store.OptimisticLockException;
import io.bulwark.store.StoreException;
import io.bulwark.store.ValidationException;
import io.bulwark.store.codec.DeterministicCodec;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.function.Consumer;
import java.util.function.Function;

import static org.junit.jupiter.api.Assertions.*;

class TxContextTest {
    static final DeterministicCodec CODEC = DeterministicCodec.builder().build();
    static final Caller ALICE = new Caller(1, "alice", Set.of("user"));

    private final EntityStore store = new EntityStore(CODEC, List.of(Account.class, Doc.class));
    private final MemoryPages base = new MemoryPages(2048);

    private <R> R inTx(Function<TxContext, R> body) {
        TxContext tx = store.begin(base, ALICE, 1_000, 7, false);
        try {
            R r = body.apply(tx);
            tx.commit();
            return r;
        } catch (RuntimeException e) {
            tx.rollback();
            throw e;
        }
    }

    private void run(Consumer<TxContext> body) { inTx(tx -> { body.accept(tx); return null; }); }

    /** The transaction fails with {@code expected}, and the base pages are exactly as before, with no write at all. */
    private <E extends StoreException> E assertNoTrace(Class<E> expected, boolean readOnly, Consumer<TxContext> body) {
        byte[][] before = base.snapshot();
        int writes = base.writeCount();
        TxContext tx = store.begin(base, ALICE, 2_000, 9, readOnly);
        E e = assertThrows(expected, () -> {
            body.accept(tx);
            tx.commit();
        });
        tx.rollback();
        assertTrue(base.sameAs(before), "base pages unchanged");
        assertEquals(writes, base.writeCount(), "no base page written");
        return e;
    }

    private long persistAccount(String email, String owner, long balance) {
        return inTx(tx -> {
            Account a = new Account(email, owner, balance);
            tx.persist(a);
            return a.id;
        });
    }

    @Test
    void persistThenFindInLaterTransactions() {
        long id = persistAccount("a@x", "ann", 10);
        assertEquals(1, id, "generated ids start at 1");
        run(tx -> {
            Account a = tx.find(Account.class, id);
            assertNotNull(a);
            assertEquals("a@x", a.email);
            assertEquals("ann", a.owner);
            assertEquals(10, a.balance);
            assertEquals(0, a.version);
            assertSame(a, tx.find(Account.class, id), "one managed instance per id");
            assertSame(a, tx.get(Account.class, (int) id), "integral ids of another width are accepted");
            assertNull(tx.find(Account.class, 99L));
        });
        NotFoundException nf = assertThrows(NotFoundException.class, () -> run(tx -> tx.get(Account.class, 99L)));
        assertTrue(nf.getMessage().contains("Account"));
    }

    @Test
    void blankStateReadsAsEmptyAndIsFormattedOnlyByAWrite() {
        run(tx -> {
            assertNull(tx.find(Account.class, 1L));
            assertEquals(List.of(), tx.findBy(Account.class, "owner", "ann"));
            assertEquals(List.of(), tx.range(Account.class, "id", null, null, false, 0, 10));
        });
        assertEquals(0, base.writeCount(), "reading a blank state writes nothing");
        persistAccount("a@x", "ann", 1);
        assertTrue(base.writeCount() > 0);
    }

    @Test
    void generatedIdsSkipAssignedOnes() {
        run(tx -> {
            Account assigned = new Account("two@x", "bob", 0);
            assigned.id = 2;
            tx.persist(assigned);
        });
        assertEquals(1, persistAccount("one@x", "bob", 0));
        assertEquals(3, persistAccount("three@x", "bob", 0));
    }

    @Test
    void changesToManagedEntitiesAreWrittenWithTheVersionIncrementedOnce() {
        long id = persistAccount("a@x", "ann", 10);
        run(tx -> {
            Account a = tx.get(Account.class, id);
            a.balance = 20;
            assertEquals(List.of(a), tx.findBy(Account.class, "owner", "ann"), "a query flushes first");
            a.balance = 30;
            a.owner = "anne";
        });
        run(tx -> {
            Account a = tx.get(Account.class, id);
            assertEquals(30, a.balance);
            assertEquals(1, a.version, "one transaction, one increment");
            assertEquals(List.of(), tx.findBy(Account.class, "owner", "ann"));
            assertEquals(List.of(a), tx.findBy(Account.class, "owner", "anne"));
        });
        int writes = base.writeCount();
        run(tx -> {
            Account a = tx.get(Account.class, id);
            a.scratch = "not persistent";
        });
        assertEquals(writes, base.writeCount(), "an unchanged entity (transient field aside) writes nothing");
        run(tx -> assertNull(tx.get(Account.class, id).scratch));
    }

    @Test
    void mergeChecksTheVersion() {
        long id = persistAccount("a@x", "ann", 10);
        Account detached = new Account("a@x", "ann", 50);
        detached.id = id;
        detached.version = 0;
        Account merged = inTx(tx -> {
            Account m = tx.merge(detached);
            assertNotSame(detached, m);
            assertSame(m, tx.find(Account.class, id));
            return m;
        });
        assertEquals(1, merged.version);
        run(tx -> assertEquals(50, tx.get(Account.class, id).balance));

        detached.balance = 70; // still version 0: someone changed it since
        OptimisticLockException ole = assertNoTrace(OptimisticLockException.class, false, tx -> tx.merge(detached));
        assertTrue(ole.getMessage().contains("version 0"), ole.getMessage());

        Account missing = new Account("m@x", "ann", 1);
        missing.id = 42;
        assertNoTrace(NotFoundException.class, false, tx -> tx.merge(missing));
    }

    @Test
    void removeDeletesTheEntityAndItsIndexEntries() {
        long id = persistAccount("a@x", "ann", 10);
        long other = persistAccount("b@x", "ann", 10);
        Account stale = new Account("a@x", "ann", 10);
        stale.id = id;
        stale.version = 5;
        assertNoTrace(OptimisticLockException.class, false, tx -> tx.remove(stale));
        run(tx -> {
            tx.remove(tx.get(Account.class, id));
            assertNull(tx.find(Account.class, id), "removed in this transaction");
        });
        run(tx -> {
            assertNull(tx.find(Account.class, id));
            assertEquals(List.of(other), tx.findBy(Account.class, "owner", "ann").stream().map(a -> a.id).toList());
            assertEquals(Optional.empty(), tx.findUnique(Account.class, "email", "a@x"));
        });
        // The value is free again.
        assertEquals(3, persistAccount("a@x", "zed", 0));
        Account gone = new Account("q@x", "q", 0);
        gone.id = id;
        assertNoTrace(NotFoundException.class, false, tx -> tx.remove(gone));
    }

    @Test
    void duplicatesAndUniqueClashesAreRejectedWithoutTrace() {
        long id = persistAccount("a@x", "ann", 10);
        persistAccount("b@x", "bob", 10);
        assertNoTrace(EntityExistsException.class, false, tx -> tx.persist(new Account("a@x", "other", 0)));
        assertNoTrace(EntityExistsException.class, false, tx -> {
            Account dup = new Account("c@x", "c", 0);
            dup.id = id;
            tx.persist(dup);
        });
        // A managed change onto a taken value is caught when it is written.
        assertNoTrace(EntityExistsException.class, false, tx -> tx.get(Account.class, id).email = "b@x");
        // Two entities swapping unique values in one transaction do not clash with each other.
        run(tx -> {
            Account a = tx.findUnique(Account.class, "email", "a@x").orElseThrow();
            Account b = tx.findUnique(Account.class, "email", "b@x").orElseThrow();
            a.email = "b@x";
            b.email = "a@x";
        });
        run(tx -> assertEquals(id, tx.findUnique(Account.class, "email", "b@x").orElseThrow().id));
        // Nulls are not constrained by a unique index, and can be found.
        persistAccount(null, "n1", 0);
        persistAccount(null, "n2", 0);
        run(tx -> assertEquals(List.of("n1", "n2"), tx.findBy(Account.class, "email", null).stream().map(a -> a.owner).toList()));
    }

    @Test
    void aFailedTransactionCanOnlyBeRolledBack() {
        persistAccount("a@x", "ann", 10);
        byte[][] before = base.snapshot();
        TxContext tx = store.begin(base, ALICE, 0, 0, false);
        tx.persist(new Account("fresh@x", "f", 0));
        EntityExistsException first = assertThrows(EntityExistsException.class, () -> tx.persist(new Account("a@x", "ann", 0)));
        // The operation swallowed the failure and carried on: it still cannot commit.
        assertSame(first, assertThrows(EntityExistsException.class, () -> tx.find(Account.class, 1L)));
        assertSame(first, assertThrows(EntityExistsException.class, tx::commit));
        assertTrue(base.sameAs(before));
        assertThrows(IllegalStateException.class, tx::commit);
    }

    @Test
    void validationChecksEveryTouchedEntityBeforeAnythingIsWritten() {
        long id = persistAccount("a@x", "ann", 10);
        ValidationException onPersist = assertNoTrace(ValidationException.class, false, tx -> {
            tx.persist(new Account("ok@x", "fine", 1));
            tx.persist(new Account("x".repeat(50), null, -1));
        });
        assertEquals(List.of(
                new ValidationException.Violation("Account", "balance", "must be greater than or equal to 0"),
                new ValidationException.Violation("Account", "email", "size must be between 0 and 40"),
                new ValidationException.Violation("Account", "owner", "must not be null")), onPersist.violations());

        ValidationException onChange = assertNoTrace(ValidationException.class, false, tx -> tx.get(Account.class, id).balance = -5);
        assertEquals(List.of(new ValidationException.Violation("Account", "balance", "must be greater than or equal to 0")), onChange.violations());

        Account detached = new Account("a@x", null, 10);
        detached.id = id;
        assertNoTrace(ValidationException.class, false, tx -> tx.merge(detached));
        run(tx -> assertEquals(10, tx.get(Account.class, id).balance));
    }

    @Test
    void readOnlyTransactionsCannotWrite() {
        long id = persistAccount("a@x", "ann", 10);
        assertNoTrace(BadRequestException.class, true, tx -> tx.persist(new Account("b@x", "bob", 0)));
        assertNoTrace(BadRequestException.class, true, tx -> tx.remove(tx.get(Account.class, id)));
        BadRequestException changed = assertNoTrace(BadRequestException.class, true, tx -> tx.get(Account.class, id).balance = 99);
        assertTrue(changed.getMessage().contains("read-only"), changed.getMessage());
        // Reads are fine.
        TxContext ro = store.begin(base, ALICE, 0, 0, true);
        assertEquals(10, ro.get(Account.class, id).balance);
        assertEquals(1, ro.range(Account.class, "email", null, null, false, 0, 10).size());
        ro.commit();
    }

    @Test
    void rangeQueriesPageInBothDirections() {
        for (int i = 0; i < 30; i++) persistAccount("u" + (char) ('a' + (i * 7) % 26) + i + "@x", "owner" + (i % 3), i);
        run(tx -> {
            List<Long> ids = tx.range(Account.class, "id", 5L, 15L, false, 0, 100).stream().map(a -> a.id).toList();
            assertEquals(List.of(5L, 6L, 7L, 8L, 9L, 10L, 11L, 12L, 13L, 14L), ids);
            assertEquals(List.of(12L, 11L, 10L), tx.range(Account.class, "id", 5L, 15L, true, 2, 3).stream().map(a -> a.id).toList());
            assertEquals(List.of(30L, 29L), tx.range(Account.class, "id", null, null, true, 0, 2).stream().map(a -> a.id).toList());

            // By a non-unique index: value order, ties in id order; pages join up to the whole.
            List<Account> all = tx.range(Account.class, "owner", null, null, false, 0, 100);
            assertEquals(30, all.size());
            for (int i = 1; i < all.size(); i++) {
                Account p = all.get(i - 1), q = all.get(i);
                int c = p.owner.compareTo(q.owner);
                assertTrue(c < 0 || c == 0 && p.id < q.id, "ordered by (owner, id)");
            }
            List<Account> paged = new java.util.ArrayList<>();
            for (int off = 0; off < 30; off += 7) paged.addAll(tx.range(Account.class, "owner", null, null, false, off, 7));
            assertEquals(all, paged);
            List<Account> desc = new java.util.ArrayList<>(tx.range(Account.class, "owner", null, null, true, 0, 100));
            java.util.Collections.reverse(desc);
            assertEquals(all, desc);

            List<Account> owner1 = tx.range(Account.class, "owner", "owner1", "owner2", false, 0, 100);
            assertEquals(10, owner1.size());
            assertTrue(owner1.stream().allMatch(a -> a.owner.equals("owner1")));
            assertEquals(owner1, tx.findBy(Account.class, "owner", "owner1"));

            // By a unique index, descending by email.
            List<Account> byEmail = tx.range(Account.class, "email", "uc", null, true, 0, 100);
            for (int i = 1; i < byEmail.size(); i++) assertTrue(byEmail.get(i - 1).email.compareTo(byEmail.get(i).email) > 0);
            assertTrue(byEmail.stream().allMatch(a -> a.email.compareTo("uc") >= 0));
            assertEquals(List.of(), tx.range(Account.class, "id", 15L, 5L, false, 0, 10), "an empty range");
        });
    }

    @Test
    void badQueriesAreBadRequests() {
        persistAccount("a@x", "ann", 10);
        assertNoTrace(BadRequestException.class, true, tx -> tx.findBy(Account.class, "balance", 10L));
        assertNoTrace(BadRequestException.class, true, tx -> tx.findUnique(Account.class, "owner", "ann"));
        assertNoTrace(BadRequestException.class, true, tx -> tx.findUnique(Account.class, "email", null));
        assertNoTrace(BadRequestException.class, true, tx -> tx.find(Account.class, "one"));
        assertNoTrace(BadRequestException.class, true, tx -> tx.find(String.class, 1L));
        assertNoTrace(BadRequestException.class, true, tx -> tx.range(Account.class, "id", null, null, false, -1, 10));
        assertNoTrace(BadRequestException.class, true, tx -> tx.range(Account.class, "id", null, null, false, 0, TxContext.MAX_RESULTS + 1));
        assertNoTrace(BadRequestException.class, false, tx -> tx.persist("not an entity"));
        assertNoTrace(BadRequestException.class, false, tx -> tx.persist(new Doc(null, new byte[0])));
        assertNoTrace(BadRequestException.class, false, tx -> tx.persist(new Account("a\uD800@x", "ann", 0)));
        assertNoTrace(BadRequestException.class, false, tx -> tx.persist(new Account("x".repeat(600), "ann", 0)));
    }

    @Test
    void idsOfManagedEntitiesCannotChangeButAnIdCanBeReusedAfterRemove() {
        long id = persistAccount("a@x", "ann", 10);
        assertNoTrace(BadRequestException.class, false, tx -> tx.get(Account.class, id).id = 77);
        run(tx -> {
            tx.remove(tx.get(Account.class, id));
            Account again = new Account("a@x", "new", 1);
            again.id = id;
            tx.persist(again);
            assertSame(again, tx.find(Account.class, id));
        });
        run(tx -> assertEquals("new", tx.get(Account.class, id).owner));
    }

    @Test
    void largeEntityOfOneMebibyte() {
        byte[] blob = new byte[1 << 20];
        new java.util.SplittableRandom(3).nextBytes(blob);
        run(tx -> tx.persist(new Doc("big", blob)));
        run(tx -> {
            Doc d = tx.get(Doc.class, "big");
            assertArrayEquals(blob, d.blob);
            d.blob = new byte[] {1, 2, 3};
        });
        run(tx -> assertArrayEquals(new byte[] {1, 2, 3}, tx.get(Doc.class, "big").blob));
    }

    @Test
    void timeAndRandomnessComeFromTheAgreedInput() {
        TxContext a = store.begin(base, ALICE, 1_234, 99, true);
        TxContext b = store.begin(base, ALICE, 1_234, 99, true);
        TxContext c = store.begin(base, ALICE, 1_234, 100, true);
        assertEquals(Instant.ofEpochMilli(1_234), a.now());
        long[] ra = a.random().longs(8).toArray();
        assertArrayEquals(ra, b.random().longs(8).toArray());
        assertFalse(java.util.Arrays.equals(ra, c.random().longs(8).toArray()));
        assertSame(ALICE, a.caller());
        a.rollback();
        b.rollback();
        c.rollback();
    }
}
