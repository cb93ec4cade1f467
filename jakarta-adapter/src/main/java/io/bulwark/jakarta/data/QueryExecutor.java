package io.bulwark.jakarta.data;

import io.bulwark.jakarta.replica.CurrentTx;
import io.bulwark.store.BadRequestException;
import io.bulwark.store.OptimisticLockException;
import io.bulwark.store.Tx;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.List;

/**
 * One repository method as the replicas run it: the target of its store operation. Everything it
 * does is a function of the call's arguments and the replicated state, in the order the replicas
 * agreed: candidates come from the store in key order (by id, or from an index), are filtered by the
 * restriction, sorted by the call's sort criteria with the id last (so no two entities tie), and cut to
 * the window. A call that is malformed or over a bound ({@link DataLimits}) is a
 * {@link BadRequestException} and changes nothing.
 * <p>
 * Cursor paging uses the store's keyset paging ({@code Tx.rangeAfter}) directly when the order is one
 * indexed property or the id and the cursor is one this provider made (value and id): each page then
 * costs O(log n + page) wherever it is. Other orders read the matching entities (at most
 * {@link DataLimits#MAX_SCAN}) and sort them.
 */
public final class QueryExecutor {
    private static final int BATCH = 256;

    private final RepositoryMethod method;
    private final QuerySpec query;
    private final EntityInfo info;

    QueryExecutor(RepositoryMethod method) {
        this.method = method;
        this.query = method.query();
        this.info = EntityInfo.of(query.entity());
    }

    /** The store operation's method: {@code params} are the query parameters (or the entities), {@code sorts} the call's dynamic sorts. */
    public Outcome execute(List<Object> params, List<SortKey> sorts, Window window) {
        Tx tx = CurrentTx.get();
        try {
            if (params == null || sorts == null || window == null) throw new IllegalArgumentException("missing arguments");
            String problem = window.problem();
            if (problem != null) throw new IllegalArgumentException(problem);
            if (query.kind().takesEntities()) return entities(tx, params);
            if (params.size() != method.queryParameterCount())
                throw new IllegalArgumentException("takes " + method.queryParameterCount() + " query parameter(s), got " + params.size());
            List<SortKey> order = order(sorts);
            return query(tx, params, order, window);
        } catch (IllegalArgumentException | ArithmeticException e) {
            throw new BadRequestException(method.operationName() + ": " + e.getMessage());
        }
    }

    private Outcome entities(Tx tx, List<Object> params) {
        if (params.size() > DataLimits.MAX_ENTITIES)
            throw new IllegalArgumentException(params.size() + " entities in one call, over the bound of " + DataLimits.MAX_ENTITIES);
        for (Object e : params) {
            if (e == null) throw new IllegalArgumentException("a null entity");
            if (e.getClass() != info.type()) throw new IllegalArgumentException("a " + e.getClass().getName() + " is not a " + info.type().getName());
        }
        List<Object> out = new ArrayList<>();
        long affected = 0;
        for (Object e : params) {
            Object id = info.id(e);
            switch (query.kind()) {
                case INSERT -> {
                    // A generated id the client set is refused by persist as a bad request; Jakarta Data calls it an existing entity.
                    if (!unset(id) && tx.find(info.type(), id) != null)
                        throw new io.bulwark.store.EntityExistsException(info.name() + " " + id + " already exists");
                    tx.persist(e);
                    out.add(e);
                }
                case UPDATE_ENTITIES -> {
                    // Jakarta Data: updating an entity that is not there is an optimistic locking failure.
                    if (id == null || tx.find(info.type(), id) == null)
                        throw new OptimisticLockException(info.name() + " " + id + " does not exist (any more): nothing to update");
                    out.add(tx.merge(e));
                }
                case DELETE_ENTITIES -> {
                    if (id == null || tx.find(info.type(), id) == null)
                        throw new OptimisticLockException(info.name() + " " + id + " does not exist (any more): nothing to delete");
                    tx.remove(e);
                    affected++;
                }
                case SAVE -> {
                    if (unset(id) || tx.find(info.type(), id) == null) {
                        tx.persist(e);
                        out.add(e);
                    } else {
                        out.add(tx.merge(e));
                    }
                }
                default -> throw new IllegalStateException(query.kind().toString());
            }
        }
        tx.charge(params.size());
        return new Outcome(out, List.of(), -1, false, false, query.kind() == QuerySpec.Kind.DELETE_ENTITIES ? affected : out.size());
    }

    private static boolean unset(Object id) {
        return id == null || id instanceof Number n && n.longValue() == 0 && !(n instanceof Double || n instanceof Float);
    }

    /** The static order, then the call's sorts, checked against the entity. */
    private List<SortKey> order(List<SortKey> sorts) {
        List<SortKey> out = new ArrayList<>(query.orderBy());
        for (SortKey s : sorts) {
            if (s == null) throw new IllegalArgumentException("a null sort");
            out.add(new SortKey(info.canonical(s.property()), s.ascending(), s.ignoreCase()));
        }
        return out;
    }

    private Outcome query(Tx tx, List<Object> params, List<SortKey> order, Window w) {
        Comparator<Object> cmp = comparator(order);
        int max = effectiveMax(w);
        switch (query.kind()) {
            case COUNT -> {
                return Outcome.affected(matching(tx, params, false).size());
            }
            case EXISTS -> {
                return Outcome.affected(matching(tx, params, true).isEmpty() ? 0 : 1);
            }
            case DELETE -> {
                List<Object> found = matching(tx, params, false);
                for (Object e : found) tx.remove(e);
                return Outcome.affected(found.size());
            }
            case UPDATE -> {
                List<Object> found = matching(tx, params, false);
                for (Object e : found) assign(e, params);
                return Outcome.affected(found.size());
            }
            default -> { }
        }
        List<Object> page;
        boolean more, previous;
        long total = -1;
        KeysetPath keyset = w.total() ? null : keysetPath(order, w);
        if (keyset != null) {
            page = keyset.page(tx, params, w, max);
            more = page.size() > max;
            if (more) page = new ArrayList<>(page.subList(0, max));
            if (w.mode() == Window.Mode.BEFORE) java.util.Collections.reverse(page);
            previous = w.mode() != Window.Mode.ALL && w.mode() != Window.Mode.OFFSET || w.skip() > 0;
            if (w.mode() == Window.Mode.BEFORE) {
                previous = more;
                more = true;
            }
        } else {
            List<Object> all = new ArrayList<>(matching(tx, params, false));
            all.sort(cmp);
            if (w.total()) total = all.size();
            switch (w.mode()) {
                case AFTER -> all.removeIf(e -> compareKeys(key(e, order), w.cursorValues(), order) <= 0);
                case BEFORE -> all.removeIf(e -> compareKeys(key(e, order), w.cursorValues(), order) >= 0);
                default -> { }
            }
            if (w.mode() == Window.Mode.BEFORE) {
                int from = Math.max(0, all.size() - max);
                previous = from > 0;
                more = true;
                page = new ArrayList<>(all.subList(from, all.size()));
            } else {
                int from = (int) Math.min(all.size(), w.skip());
                int to = (int) Math.min(all.size(), (long) from + max);
                page = new ArrayList<>(all.subList(from, to));
                more = all.size() > to;
                previous = from > 0 || w.mode() == Window.Mode.AFTER;
            }
            if (w.mode() == Window.Mode.ALL && query.first() == 0 && w.max() < 0 && more)
                throw new IllegalArgumentException("more than " + DataLimits.MAX_RESULTS + " results: page them (PageRequest or Limit)");
        }
        List<List<Object>> keys = new ArrayList<>();
        if (w.keys()) for (Object e : page) keys.add(key(e, order));
        List<Object> items = page;
        if (query.select() != null) {
            items = new ArrayList<>();
            for (Object e : page) items.add(info.get(e, query.select()));
        }
        return new Outcome(items, keys, total, more, previous, items.size());
    }

    private int effectiveMax(Window w) {
        int max = w.max() < 0 ? DataLimits.MAX_RESULTS : w.max();
        if (query.first() > 0) max = Math.min(max, query.first());
        return max;
    }

    private void assign(Object entity, List<Object> params) {
        List<Object[]> values = new ArrayList<>();
        for (QuerySpec.Assignment a : query.set()) {   // right sides see the entity before any assignment
            Object v;
            if (a.value() instanceof Operand.Arithmetic ar) v = Values.arithmetic(info.get(entity, ar.property()), ar.op(), ar.right().value(params));
            else if (a.value() instanceof Operand.Property p) v = info.get(entity, p.property());
            else v = a.value().value(params);
            values.add(new Object[] {a.property(), v});
        }
        for (Object[] pv : values) info.set(entity, (String) pv[0], pv[1]);
    }

    /** Every entity matching the restriction (at most {@link DataLimits#MAX_SCAN} read), in id order. */
    private List<Object> matching(Tx tx, List<Object> params, boolean firstOnly) {
        Expr where = query.where();
        List<Object> out = new ArrayList<>();
        List<Object> direct = direct(tx, where, params);
        if (direct != null) {
            for (Object e : direct) if (where.test(info, e, params)) out.add(e);
            tx.charge(direct.size());
            return out;
        }
        Object after = null;
        long read = 0;
        while (true) {
            List<?> batch = tx.rangeAfter(info.type(), info.idName(), null, null, false, after, after, BATCH);
            for (Object e : batch) {
                if (++read > DataLimits.MAX_SCAN) throw overScan();
                if (where.test(info, e, params)) {
                    out.add(e);
                    if (firstOnly) return out;
                }
            }
            tx.charge(batch.size());
            if (batch.size() < BATCH) return out;
            after = info.id(batch.get(batch.size() - 1));
        }
    }

    private IllegalArgumentException overScan() {
        return new IllegalArgumentException("the query reads more than " + DataLimits.MAX_SCAN + " " + info.name()
                + " entities: restrict it by the id or an @Indexed property (equality), or order by one and page with a cursor");
    }

    /** The candidates an index gives straight away (equality or IN on the id, equality on an indexed property), or null. */
    private List<Object> direct(Tx tx, Expr where, List<Object> params) {
        List<Expr> conjuncts = where instanceof Expr.And a ? a.all() : List.of(where);
        for (Expr e : conjuncts) {
            if (!(e instanceof Expr.Cond c) || c.not() || c.ignoreCase()) continue;
            if (c.op() == Op.EQ && info.isId(c.property())) {
                Object v = c.operands().get(0).value(params);
                Object found = v == null ? null : tx.find(info.type(), Values.coerce(info.idType(), v));
                return found == null ? List.of() : List.of(found);
            }
            if (c.op() == Op.IN && info.isId(c.property())) {
                Collection<Object> ids = new java.util.TreeSet<>((x, y) -> Values.order(x, y, false));
                ids.addAll(c.inValues(params));
                if (ids.size() > DataLimits.MAX_SCAN) throw overScan();
                List<Object> out = new ArrayList<>();
                for (Object id : ids) {
                    Object found = id == null ? null : tx.find(info.type(), Values.coerce(info.idType(), id));
                    if (found != null) out.add(found);
                }
                return out;
            }
        }
        for (Expr e : conjuncts) {
            if (e instanceof Expr.Cond c && !c.not() && !c.ignoreCase() && c.op() == Op.EQ && info.indexed(c.property())) {
                Object v = c.operands().get(0).value(params);
                if (v == null) return List.of();
                Class<?> type = info.property(c.property()).getType();
                return new ArrayList<>(tx.findBy(info.type(), c.property(), Values.coerce(type, v)));
            }
        }
        return null;
    }

    /** Sort criteria, then the id in the direction of the last criterion: a total order, the same on every replica. */
    private Comparator<Object> comparator(List<SortKey> order) {
        return (a, b) -> compareKeys(key(a, order), key(b, order), order);
    }

    /** The cursor key of {@code e}: its values of the sort criteria, then its id unless the last criterion is the id. */
    private List<Object> key(Object e, List<SortKey> order) {
        List<Object> k = new ArrayList<>(order.size() + 1);
        for (SortKey s : order) k.add(info.get(e, s.property()));
        if (order.isEmpty() || !info.isId(order.get(order.size() - 1).property())) k.add(info.id(e));
        return k;
    }

    /** Compares keys over the length of the shorter (a cursor a user made may stop before the id). */
    private int compareKeys(List<Object> a, List<Object> b, List<SortKey> order) {
        int n = Math.min(a.size(), b.size());
        for (int i = 0; i < n; i++) {
            SortKey s = i < order.size() ? order.get(i) : null;
            boolean asc = s != null ? s.ascending() : order.isEmpty() || order.get(order.size() - 1).ascending();
            Object x = a.get(i), y = b.get(i);
            if (s != null && x != null && y != null) {
                Class<?> t = info.property(s.property()).getType();
                y = Values.coerce(t, y);
            }
            int c = Values.order(x, y, s != null && s.ignoreCase());
            if (c != 0) return asc ? c : -c;
        }
        return 0;
    }

    /** The store's keyset paging for this order and window, or null when it does not apply. */
    private KeysetPath keysetPath(List<SortKey> order, Window w) {
        if (w.mode() == Window.Mode.OFFSET && w.skip() > 0) return null;
        if (order.size() > 1 || order.size() == 1 && (order.get(0).ignoreCase() || !info.indexed(order.get(0).property()))) return null;
        String field = order.isEmpty() ? info.idName() : order.get(0).property();
        boolean desc = !order.isEmpty() && !order.get(0).ascending();
        boolean byId = info.isId(field);
        Object afterValue = null, afterId = null;
        if (w.mode() == Window.Mode.AFTER || w.mode() == Window.Mode.BEFORE) {
            List<Object> c = w.cursorValues();
            if (byId && c.size() == 1) {
                afterId = Values.coerce(info.idType(), c.get(0));
                afterValue = afterId;
            } else if (!byId && c.size() == 2) {
                afterValue = c.get(0) == null ? null : Values.coerce(info.property(field).getType(), c.get(0));
                afterId = Values.coerce(info.idType(), c.get(1));
            } else {
                return null;
            }
        }
        return new KeysetPath(field, w.mode() == Window.Mode.BEFORE ? !desc : desc, afterValue, afterId, byId ? indexedEquality() : null);
    }

    /**
     * A top-level condition {@code property = value} on an indexed property (not the id), or null: in id order, the
     * index's entries for one value are already in id order, so a page walks only them instead of every entity.
     */
    private Expr.Cond indexedEquality() {
        Expr where = query.where();
        if (where == null) return null;
        for (Expr e : where instanceof Expr.And a ? a.all() : List.of(where)) {
            if (e instanceof Expr.Cond c && !c.not() && !c.ignoreCase() && c.op() == Op.EQ && info.indexed(c.property())
                    && !info.isId(c.property()) && (c.operands().get(0) instanceof Operand.Param || c.operands().get(0) instanceof Operand.Literal))
                return c;
        }
        return null;
    }

    /** Walks the id or an index from a position with {@code Tx.rangeAfter}, filtering, until a page and one more are found. */
    private final class KeysetPath {
        final String field;
        final boolean descending;
        /** In id order only: an equality on an indexed property whose entries are walked instead of every id, or null. */
        final Expr.Cond equality;
        Object afterValue, afterId;

        KeysetPath(String field, boolean descending, Object afterValue, Object afterId, Expr.Cond equality) {
            this.field = field;
            this.descending = descending;
            this.afterValue = afterValue;
            this.afterId = afterId;
            this.equality = equality;
        }

        List<Object> page(Tx tx, List<Object> params, Window w, int max) {
            List<Object> out = new ArrayList<>();
            long read = 0;
            Object value = equality == null ? null : equality.operands().get(0).value(params);
            if (value != null) value = Values.coerce(info.property(equality.property()).getType(), value);
            while (true) {
                // (= null matches nothing; the walk by id then finds nothing either, as before)
                List<?> batch = value != null
                        ? tx.findByAfter(info.type(), equality.property(), value, descending, afterId, BATCH)
                        : tx.rangeAfter(info.type(), field, null, null, descending, afterValue, afterId, BATCH);
                for (Object e : batch) {
                    if (++read > DataLimits.MAX_SCAN) throw overScan();
                    if (query.where().test(info, e, params)) {
                        out.add(e);
                        if (out.size() > max) return out;
                    }
                }
                tx.charge(batch.size());
                if (batch.size() < BATCH) return out;
                Object last = batch.get(batch.size() - 1);
                afterId = info.id(last);
                afterValue = info.isId(field) ? afterId : info.get(last, field);
            }
        }
    }
}
