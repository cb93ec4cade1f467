package io.bulwark.jakarta.replica;

import io.bulwark.store.Caller;
import io.bulwark.store.Tx;
import jakarta.enterprise.context.Dependent;
import jakarta.enterprise.inject.Typed;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.random.RandomGenerator;

/**
 * The injectable {@link Tx} of a replicated bean (CDI replica mode): each method acts on the transaction
 * of the operation running now ({@link CurrentTx}), so one injected instance serves every call.
 */
@Dependent
@Typed(Tx.class)
public class ReplicaTx implements Tx {
    @Override public <T> T find(Class<T> type, Object id) { return CurrentTx.get().find(type, id); }

    @Override public <T> T get(Class<T> type, Object id) { return CurrentTx.get().get(type, id); }

    @Override public void persist(Object entity) { CurrentTx.get().persist(entity); }

    @Override public <T> T merge(T entity) { return CurrentTx.get().merge(entity); }

    @Override public void remove(Object entity) { CurrentTx.get().remove(entity); }

    @Override public <T> List<T> findBy(Class<T> type, String field, Object value) { return CurrentTx.get().findBy(type, field, value); }

    @Override public <T> List<T> findByAfter(Class<T> type, String field, Object value, boolean descending, Object afterId, int limit) {
        return CurrentTx.get().findByAfter(type, field, value, descending, afterId, limit);
    }

    @Override public <T> Optional<T> findUnique(Class<T> type, String field, Object value) { return CurrentTx.get().findUnique(type, field, value); }

    @Override public <T> List<T> range(Class<T> type, String field, Object fromInclusive, Object toExclusive, boolean descending,
                                       long offset, int limit) {
        return CurrentTx.get().range(type, field, fromInclusive, toExclusive, descending, offset, limit);
    }

    @Override public <T> List<T> rangeAfter(Class<T> type, String field, Object fromInclusive, Object toExclusive, boolean descending,
                                            Object afterValue, Object afterId, int limit) {
        return CurrentTx.get().rangeAfter(type, field, fromInclusive, toExclusive, descending, afterValue, afterId, limit);
    }

    @Override public Instant now() { return CurrentTx.get().now(); }

    @Override public RandomGenerator random() { return CurrentTx.get().random(); }

    @Override public Caller caller() { return CurrentTx.get().caller(); }

    @Override public void charge(long steps) { CurrentTx.get().charge(steps); }
}
