package io.bulwark.store;

import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.random.RandomGenerator;

/**
 * What an operation sees of the store: one atomic transaction, run by every correct replica in the
 * agreed order.
 * <p>
 * Entities returned by this transaction are <em>managed</em>: changes made to them are written at
 * commit, as with JPA. Before commit every entity the operation touched is checked with Bean
 * Validation; a violation, a version conflict or any exception rolls the whole operation back, so no
 * page is modified. Time and randomness come only from here: they are derived from the
 * non-deterministic input the replicas agreed on, so every replica sees the same values
 * ({@code System.currentTimeMillis()} or {@code new Random()} in an operation is a bug).
 */
public interface Tx {

    /** The entity with this id, or null. */
    <T> T find(Class<T> type, Object id);

    /** The entity with this id; {@link NotFoundException} if there is none. */
    <T> T get(Class<T> type, Object id);

    /**
     * Makes a new entity persistent and managed. A generated id that is unset is assigned from the
     * entity's deterministic sequence; {@link EntityExistsException} if the id is taken, or if a unique
     * index already holds one of its values.
     */
    void persist(Object entity);

    /**
     * Copies the state of a detached entity (for instance one a client sent) onto the stored one and
     * returns the managed instance. {@link OptimisticLockException} if the entity's {@code @Version}
     * differs from the stored one; {@link NotFoundException} if there is no stored entity.
     */
    <T> T merge(T entity);

    /** Removes the entity with this entity's id (checking its {@code @Version} if it has one). */
    void remove(Object entity);

    /** The entities whose indexed {@code field} equals {@code value}, in id order. */
    <T> List<T> findBy(Class<T> type, String field, Object value);

    /**
     * Keyset paging over the entities whose indexed {@code field} equals {@code value}, in id order
     * (descending: largest id first), strictly after the id {@code afterId} in that order (null: from the
     * first), at most {@code limit}. Walks only that value's entries of the index, so each page costs
     * O(log n + limit) however many other entities there are; {@link #findBy} returns them all at once.
     */
    <T> List<T> findByAfter(Class<T> type, String field, Object value, boolean descending, Object afterId, int limit);

    /** The entity whose uniquely indexed {@code field} equals {@code value}. */
    <T> Optional<T> findUnique(Class<T> type, String field, Object value);

    /**
     * A page of entities ordered by {@code field} (the id, or an indexed field; ties in id order),
     * from {@code fromInclusive} to {@code toExclusive} (null: unbounded), skipping {@code offset}
     * and returning at most {@code limit}.
     * <p>
     * Cost: the skipped entries are walked one by one (though not loaded), so a page costs
     * O(log n + offset + limit) and paging through n entities this way costs O(n&sup2; / limit). The offset
     * usually comes from a client, who can thus make every request walk the whole index. To read
     * many pages, resume after the last entity returned with {@link #rangeAfter}, whose cost does not
     * depend on how far into the range the page is.
     */
    <T> List<T> range(Class<T> type, String field, Object fromInclusive, Object toExclusive,
                      boolean descending, long offset, int limit);

    /**
     * Keyset paging: the first {@code limit} entities of the same range and order as {@link #range}
     * that come strictly <em>after</em> the position ({@code afterValue}, {@code afterId}) in that order
     * — descending, "after" means smaller. The position is the last entity of the previous page: its
     * value of {@code field} (null is a value: nulls sort first ascending, last descending) and its id.
     * Because ties are in id order, entities sharing a value are split across pages without loss or
     * repetition. With {@code afterId} null there is no position: the first page (then
     * {@code afterValue} must be null too). Ordered by the id itself, the position is the id alone:
     * {@code afterValue} is null or the same id.
     * <p>
     * The entity at the position need not exist any more (removed between pages): paging goes on from
     * where it was. Each page costs O(log n + limit), wherever it is in the range.
     */
    <T> List<T> rangeAfter(Class<T> type, String field, Object fromInclusive, Object toExclusive,
                           boolean descending, Object afterValue, Object afterId, int limit);

    /** The agreed time of this operation (never goes backwards from one operation to the next). */
    Instant now();

    /** Randomness every replica agrees on, seeded from the agreed input of this operation. */
    RandomGenerator random();

    /** Who invoked this operation, as the replicas authenticated it. */
    Caller caller();

    /**
     * Counts {@code steps} units of the application's own work (a loop over the arguments, a
     * computation) against the operation's work budget, as the store counts its own: an operation
     * whose loops depend on the request should charge them, so that one request cannot keep every
     * replica busy. Throws {@link BudgetExceededException} once the budget is exceeded.
     */
    void charge(long steps);
}
