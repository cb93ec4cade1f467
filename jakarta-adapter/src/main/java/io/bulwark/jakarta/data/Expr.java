package io.bulwark.jakarta.data;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;

/**
 * A query's restriction: conditions on properties combined by AND, OR and NOT, evaluated on each
 * candidate entity the replica reads (the index chosen to find candidates never changes the answer).
 * A comparison with a null property value is false, negated or not (as in SQL), except IS NULL.
 */
sealed interface Expr {
    boolean test(EntityInfo info, Object entity, List<Object> params);

    /** Checks every property name against the entity (IllegalArgumentException naming it) and returns the expression with canonical names. */
    Expr resolve(EntityInfo info);

    record Cond(String property, Op op, boolean not, boolean ignoreCase, List<Operand> operands) implements Expr {
        public Cond {
            operands = List.copyOf(operands);
            if (op != Op.IN && operands.size() != op.operands)
                throw new IllegalArgumentException(op + " takes " + op.operands + " operand(s), got " + operands.size());
        }

        @Override public boolean test(EntityInfo info, Object entity, List<Object> params) {
            Object v = info.get(entity, property);
            if (op == Op.NULL) return (v == null) != not;
            if (v == null) return false;
            return holds(v, params) != not;
        }

        private boolean holds(Object v, List<Object> params) {
            return switch (op) {
                case EQ -> Values.same(v, arg(0, params), ignoreCase);
                case LT -> cmp(v, arg(0, params)) < 0;
                case LE -> cmp(v, arg(0, params)) <= 0;
                case GT -> cmp(v, arg(0, params)) > 0;
                case GE -> cmp(v, arg(0, params)) >= 0;
                case BETWEEN -> cmp(v, arg(0, params)) >= 0 && cmp(v, arg(1, params)) <= 0;
                case IN -> {
                    for (Object o : inValues(params)) if (Values.same(v, o, ignoreCase)) yield true;
                    yield false;
                }
                case LIKE -> Values.like(text(v), text(arg(0, params)));
                case CONTAINS -> text(v).contains(text(arg(0, params)));
                case STARTS_WITH -> text(v).startsWith(text(arg(0, params)));
                case ENDS_WITH -> text(v).endsWith(text(arg(0, params)));
                case TRUE -> Boolean.TRUE.equals(v);
                case FALSE -> Boolean.FALSE.equals(v);
                case NULL -> false;
            };
        }

        private Object arg(int i, List<Object> params) {
            Object a = operands.get(i).value(params);
            if (a == null) throw new IllegalArgumentException("null compared with property " + property + ": use IS NULL (or ...Null in a method name)");
            return a;
        }

        private int cmp(Object v, Object a) {
            return ignoreCase && v instanceof String x && a instanceof String y ? Values.upper(x).compareTo(Values.upper(y)) : Values.compare(v, a);
        }

        private String text(Object o) {
            String s = o instanceof Character c ? String.valueOf(c) : o instanceof String t ? t : null;
            if (s == null) throw new IllegalArgumentException(op + " on property " + property + " needs text, got a " + o.getClass().getSimpleName());
            return ignoreCase ? Values.upper(s) : s;
        }

        List<Object> inValues(List<Object> params) {
            List<Object> out = new ArrayList<>();
            for (Operand o : operands) {
                Object x = o.value(params);
                if (x instanceof Collection<?> c) out.addAll(c);
                else if (x instanceof Object[] a) out.addAll(List.of(a));
                else out.add(x);
            }
            return out;
        }

        @Override public Expr resolve(EntityInfo info) {
            return new Cond(info.canonical(property), op, not, ignoreCase, operands);
        }
    }

    record And(List<Expr> all) implements Expr {
        public And { all = List.copyOf(all); }

        @Override public boolean test(EntityInfo info, Object entity, List<Object> params) {
            for (Expr e : all) if (!e.test(info, entity, params)) return false;
            return true;
        }

        @Override public Expr resolve(EntityInfo info) { return new And(all.stream().map(e -> e.resolve(info)).toList()); }
    }

    record Or(List<Expr> any) implements Expr {
        public Or { any = List.copyOf(any); }

        @Override public boolean test(EntityInfo info, Object entity, List<Object> params) {
            for (Expr e : any) if (e.test(info, entity, params)) return true;
            return false;
        }

        @Override public Expr resolve(EntityInfo info) { return new Or(any.stream().map(e -> e.resolve(info)).toList()); }
    }

    record Not(Expr inner) implements Expr {
        @Override public boolean test(EntityInfo info, Object entity, List<Object> params) { return !inner.test(info, entity, params); }

        @Override public Expr resolve(EntityInfo info) { return new Not(inner.resolve(info)); }
    }

    /** No restriction. */
    record All() implements Expr {
        @Override public boolean test(EntityInfo info, Object entity, List<Object> params) { return true; }

        @Override public Expr resolve(EntityInfo info) { return this; }
    }
}
