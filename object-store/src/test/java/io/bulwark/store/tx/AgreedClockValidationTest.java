package io.bulwark.store.tx;

import io.bulwark.store.Caller;
import io.bulwark.store.ValidationException;
import io.bulwark.store.codec.DeterministicCodec;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.List;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.*;

/** @Future/@Past are judged against the transaction's agreed time, never a replica's wall clock. */
class AgreedClockValidationTest {
    private static final long DAY = 86_400_000L;
    /** An agreed time far in the past of any machine's clock running this test. */
    private static final long AGREED = 1_000_000L;

    private final EntityStore store = new EntityStore(DeterministicCodec.builder().build(), List.of(Lease.class));
    private final MemoryPages base = new MemoryPages(256);

    private void persistAt(long agreedMillis, Lease lease) {
        TxContext tx = store.begin(base, new Caller(1, "alice", Set.of()), agreedMillis, 1, false);
        try {
            tx.persist(lease);
            tx.commit();
        } catch (RuntimeException e) {
            tx.rollback();
            throw e;
        }
    }

    @Test
    void aFutureInstantIsJudgedAgainstTheAgreedTime() {
        Instant now = Instant.ofEpochMilli(AGREED);
        persistAt(AGREED, new Lease("tomorrow", now.plusMillis(DAY)));

        ValidationException past = assertThrows(ValidationException.class,
                () -> persistAt(AGREED, new Lease("yesterday", now.minusMillis(DAY))));
        assertEquals(List.of(new ValidationException.Violation("Lease", "expires", "must be a future date")), past.violations());
        // No tolerance: exactly the agreed instant is not in the future.
        assertThrows(ValidationException.class, () -> persistAt(AGREED, new Lease("now", now)));
    }

    @Test
    void eachTransactionIsJudgedAtItsOwnAgreedTimeThoughValidatorsAreCached() {
        Instant expiry = Instant.ofEpochMilli(AGREED + DAY);
        // The constraint validators are built once per store and cached: the second and third transactions
        // must still see their own agreed times, not the first one's.
        persistAt(AGREED, new Lease("a", expiry));
        assertThrows(ValidationException.class, () -> persistAt(AGREED + 2 * DAY, new Lease("b", expiry)));
        persistAt(AGREED + DAY - 1, new Lease("c", expiry));
        assertThrows(ValidationException.class, () -> persistAt(AGREED + DAY, new Lease("d", expiry)));
    }

    @Test
    void constraintValidatorsAreBuiltOncePerStoreNotPerTransaction() {
        EntityStore tags = new EntityStore(DeterministicCodec.builder().build(), List.of(Tag.class));
        MemoryPages pages = new MemoryPages(64);
        int before = Counted.Validator.INITIALIZED.get();
        for (int i = 0; i < 50; i++) {
            TxContext tx = tags.begin(pages, new Caller(1, "alice", Set.of()), AGREED + i, i + 1, false);
            tx.persist(new Tag("t" + i, "label " + i));
            tx.commit();
        }
        TxContext bad = tags.begin(pages, new Caller(1, "alice", Set.of()), AGREED + 50, 51, false);
        bad.persist(new Tag("empty", ""));
        assertThrows(ValidationException.class, bad::commit);
        bad.rollback();
        // One per store (a clock per transaction, as before, made Hibernate Validator build one per transaction: 51).
        assertEquals(1, Counted.Validator.INITIALIZED.get() - before);
    }
}
