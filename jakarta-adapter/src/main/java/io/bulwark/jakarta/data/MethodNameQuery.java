package io.bulwark.jakarta.data;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Query by method name (the Jakarta Data 1.0 addendum), the simple finders: {@code find}, {@code count},
 * {@code exists} or {@code delete}; optionally {@code First} or {@code FirstN}; any words, then
 * {@code By} and conditions joined by {@code And} or {@code Or} (And binds tighter); optionally
 * {@code OrderBy} and properties each followed by {@code Asc} or {@code Desc}. A condition is a property,
 * optionally {@code IgnoreCase}, optionally {@code Not}, then one of {@code GreaterThanEqual},
 * {@code GreaterThan}, {@code LessThanEqual}, {@code LessThan}, {@code Between}, {@code In}, {@code Like},
 * {@code Contains}, {@code StartsWith}, {@code EndsWith}, {@code Null}, {@code True}, {@code False}, or
 * nothing (equals). Parameters are taken in order ({@code Between} takes two; {@code Null}, {@code True},
 * {@code False} none).
 */
final class MethodNameQuery {
    private static final Pattern HEAD = Pattern.compile("^(find|count|exists|delete)(First(\\d*))?(.*)$");
    private static final String[][] OPERATORS = {
            {"GreaterThanEqual", "GE"}, {"GreaterThan", "GT"}, {"LessThanEqual", "LE"}, {"LessThan", "LT"}, {"Between", "BETWEEN"},
            {"StartsWith", "STARTS_WITH"}, {"EndsWith", "ENDS_WITH"}, {"Contains", "CONTAINS"}, {"Like", "LIKE"}, {"Null", "NULL"},
            {"True", "TRUE"}, {"False", "FALSE"}, {"In", "IN"}};

    private MethodNameQuery() {}

    /** Whether {@code name} reads as a query by method name. */
    static boolean matches(String name) {
        Matcher m = HEAD.matcher(name);
        return m.matches() && (m.group(4).isEmpty() || Character.isUpperCase(m.group(4).charAt(0)));
    }

    /** The query {@code name} says on {@code entity}; IllegalArgumentException naming the part that cannot be read. */
    static QuerySpec parse(String name, Class<?> entity) {
        Matcher m = HEAD.matcher(name);
        if (!matches(name) || !m.matches()) throw new IllegalArgumentException("method " + name + " is not a query by method name (find|count|exists|delete...By...)");
        QuerySpec.Kind kind = switch (m.group(1)) {
            case "find" -> QuerySpec.Kind.FIND;
            case "count" -> QuerySpec.Kind.COUNT;
            case "exists" -> QuerySpec.Kind.EXISTS;
            default -> QuerySpec.Kind.DELETE;
        };
        int first = m.group(2) == null ? 0 : m.group(3).isEmpty() ? 1 : Integer.parseInt(m.group(3));
        if (m.group(2) != null && (first < 1 || first > DataLimits.MAX_RESULTS))
            throw new IllegalArgumentException("method " + name + ": First" + first + " must be between 1 and " + DataLimits.MAX_RESULTS);
        String rest = m.group(4);
        String orderPart = null;
        int ob = rest.indexOf("OrderBy");
        if (ob >= 0) {
            orderPart = rest.substring(ob + "OrderBy".length());
            rest = rest.substring(0, ob);
        }
        EntityInfo info = EntityInfo.of(entity);
        Expr where = null;
        int by = rest.indexOf("By");
        if (by >= 0) {
            String conditions = rest.substring(by + 2);
            if (conditions.isEmpty()) throw new IllegalArgumentException("method " + name + ": no condition after By");
            int[] next = {0};
            List<Expr> ors = new ArrayList<>();
            for (String orPart : conditions.split("(?<=[a-z0-9])Or(?=[A-Z])")) {
                List<Expr> ands = new ArrayList<>();
                for (String c : orPart.split("(?<=[a-z0-9])And(?=[A-Z])")) ands.add(condition(name, c, info, next));
                ors.add(ands.size() == 1 ? ands.get(0) : new Expr.And(ands));
            }
            where = ors.size() == 1 ? ors.get(0) : new Expr.Or(ors);
        } else if (!rest.isEmpty() && !rest.equals("All")) {
            throw new IllegalArgumentException("method " + name + ": expected By<conditions> after " + m.group(1) + ", got '" + rest + "'");
        }
        List<SortKey> order = new ArrayList<>();
        if (orderPart != null) {
            if (orderPart.isEmpty()) throw new IllegalArgumentException("method " + name + ": no property after OrderBy");
            for (String item : orderPart.split("(?<=Asc|Desc)(?=[A-Z])")) {
                boolean desc = item.endsWith("Desc");
                String prop = item.endsWith("Desc") ? item.substring(0, item.length() - 4) : item.endsWith("Asc") ? item.substring(0, item.length() - 3) : item;
                order.add(new SortKey(info.canonical(decap(prop)), !desc, false));
            }
        }
        return new QuerySpec(kind, entity, where, order, first, null, List.of());
    }

    private static Expr condition(String method, String c, EntityInfo info, int[] next) {
        for (String[] op : OPERATORS) {
            if (c.endsWith(op[0]) && c.length() > op[0].length()) {
                Expr e = condition(c.substring(0, c.length() - op[0].length()), Op.valueOf(op[1]), info, next);
                if (e != null) return e;
            }
        }
        Expr e = condition(c, Op.EQ, info, next);
        if (e == null) throw new IllegalArgumentException("method " + method + ": '" + c + "' names no property of " + info.name());
        return e;
    }

    /** The condition on the property {@code head} names (with IgnoreCase and Not stripped), or null if it names none. */
    private static Expr condition(String head, Op op, EntityInfo info, int[] next) {
        boolean not = false, ignoreCase = false;
        String p = head;
        if (p.endsWith("Not") && p.length() > 3 && known(info, p.substring(0, p.length() - 3)) != null) {
            not = true;
            p = p.substring(0, p.length() - 3);
        } else if (p.endsWith("Not") && p.endsWith("IgnoreCaseNot")) {
            not = true;
            p = p.substring(0, p.length() - 3);
        }
        if (p.endsWith("IgnoreCase") && p.length() > 10 && known(info, p.substring(0, p.length() - 10)) != null) {
            ignoreCase = true;
            p = p.substring(0, p.length() - 10);
        }
        String property = known(info, p);
        if (property == null) return null;
        List<Operand> operands = new ArrayList<>();
        for (int i = 0; i < op.operands; i++) operands.add(new Operand.Param(next[0]++));
        return new Expr.Cond(property, op, not, ignoreCase, operands);
    }

    private static String known(EntityInfo info, String capitalized) {
        try {
            return info.canonical(decap(capitalized));
        } catch (IllegalArgumentException e) {
            return null;
        }
    }

    static String decap(String s) {
        return s.isEmpty() ? s : s.substring(0, 1).toLowerCase(Locale.ROOT) + s.substring(1);
    }
}
