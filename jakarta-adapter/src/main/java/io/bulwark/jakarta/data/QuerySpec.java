package io.bulwark.jakarta.data;

import java.util.List;
import java.util.Objects;

/**
 * What a repository method does, whichever way it was declared (an annotation, its name, or JDQL):
 * its {@link Kind}, entity, restriction, static order (before the call's dynamic sorts), a bound on
 * results from the method name ({@code findFirst3By}: 3; 0 means none), a projected property (or
 * null for whole entities) and, for a JDQL update, the assignments.
 */
record QuerySpec(Kind kind, Class<?> entity, Expr where, List<SortKey> orderBy, int first, String select, List<Assignment> set) {
    enum Kind {
        FIND, COUNT, EXISTS, DELETE, UPDATE, INSERT, UPDATE_ENTITIES, DELETE_ENTITIES, SAVE;

        boolean readOnly() { return this == FIND || this == COUNT || this == EXISTS; }

        /** The kinds that take entities as their argument rather than query parameters. */
        boolean takesEntities() { return this == INSERT || this == UPDATE_ENTITIES || this == DELETE_ENTITIES || this == SAVE; }
    }

    /** {@code property = value}: one assignment of a JDQL update. */
    record Assignment(String property, Operand value) {}

    QuerySpec {
        Objects.requireNonNull(kind, "kind");
        Objects.requireNonNull(entity, "entity");
        where = where == null ? new Expr.All() : where;
        orderBy = List.copyOf(orderBy);
        set = List.copyOf(set);
    }

    static QuerySpec entities(Kind kind, Class<?> entity) { return new QuerySpec(kind, entity, null, List.of(), 0, null, List.of()); }

    /** The same query with every property name checked against the entity and made canonical. */
    QuerySpec resolved() {
        EntityInfo info = EntityInfo.of(entity);
        List<SortKey> order = orderBy.stream().map(s -> new SortKey(info.canonical(s.property()), s.ascending(), s.ignoreCase())).toList();
        List<Assignment> assignments = set.stream().map(a -> new Assignment(info.canonical(a.property()), resolve(info, a.value()))).toList();
        return new QuerySpec(kind, entity, where.resolve(info), order, first, select == null ? null : info.canonical(select), assignments);
    }

    private static Operand resolve(EntityInfo info, Operand o) {
        if (o instanceof Operand.Property p) return new Operand.Property(info.canonical(p.property()));
        if (o instanceof Operand.Arithmetic a) return new Operand.Arithmetic(info.canonical(a.property()), a.op(), a.right());
        return o;
    }
}
