package io.bulwark.jakarta.data;

import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.function.Function;

/**
 * The subset of the Jakarta Data Query Language that Bulwark runs (keywords in any case):
 * <pre>
 * [SELECT (property | ID(THIS) | COUNT(THIS))] [FROM Entity] [WHERE condition] [ORDER BY property [ASC|DESC], ...]
 * UPDATE Entity SET property = value [, ...] [WHERE condition]
 * DELETE FROM Entity [WHERE condition]
 *
 * condition: condition OR condition | condition AND condition | NOT condition | ( condition )
 *          | path (= | <> | != | < | <= | > | >=) value | path [NOT] BETWEEN value AND value
 *          | path [NOT] IN (value, ...) | path [NOT] LIKE value | path IS [NOT] NULL
 * path:      property | ID(THIS)
 * value:     ?1 (positional) | :name (named) | 'text' ('' inside is ') | integer [L] | decimal [D|F]
 *          | TRUE | FALSE | a fully qualified enum constant
 * SET value: value | property | property (+ | - | * | /) value
 * </pre>
 * Not supported (the parse fails naming the token): joins and paths into embedded values, functions
 * other than {@code ID(THIS)} and {@code COUNT(THIS)}, arithmetic in conditions, {@code LOCAL DATE}
 * and the other temporal literals. AND binds tighter than OR.
 */
final class Jdql {
    private final String text;
    private final List<String> tokens;
    private final Function<String, Class<?>> entityNamed;
    private final List<String> paramNames;
    private final ClassLoader loader;
    private int pos;

    private Jdql(String text, Function<String, Class<?>> entityNamed, List<String> paramNames, ClassLoader loader) {
        this.text = text;
        this.tokens = tokenize(text);
        this.entityNamed = entityNamed;
        this.paramNames = paramNames;
        this.loader = loader;
    }

    /**
     * Parses {@code query}: {@code primary} is the repository's entity (null if it has none; then FROM is
     * required), {@code entityNamed} finds an entity class by its name, {@code paramNames} are the names
     * of the method's query parameters in order (for {@code :name}). IllegalArgumentException on anything
     * outside the subset.
     */
    static QuerySpec parse(String query, Class<?> primary, Function<String, Class<?>> entityNamed, List<String> paramNames, ClassLoader loader) {
        Jdql p = new Jdql(query, entityNamed, paramNames, loader);
        try {
            return p.statement(primary);
        } catch (IndexOutOfBoundsException e) {
            throw p.error("unexpected end of query");
        }
    }

    private QuerySpec statement(Class<?> primary) {
        if (accept("UPDATE")) {
            Class<?> entity = entity(next());
            expect("SET");
            List<QuerySpec.Assignment> set = new ArrayList<>();
            do {
                String prop = path();
                expect("=");
                Operand v;
                if (isIdentifier(peek()) && !peek().contains(".") && !keyword(peek())) {
                    String other = next();
                    if (peekIs("+") || peekIs("-") || peekIs("*") || peekIs("/")) v = new Operand.Arithmetic(other, next().charAt(0), value());
                    else v = new Operand.Property(other);
                } else {
                    v = value();
                }
                set.add(new QuerySpec.Assignment(prop, v));
            } while (accept(","));
            Expr where = accept("WHERE") ? or() : null;
            end();
            return new QuerySpec(QuerySpec.Kind.UPDATE, entity, where, List.of(), 0, null, set);
        }
        if (accept("DELETE")) {
            expect("FROM");
            Class<?> entity = entity(next());
            Expr where = accept("WHERE") ? or() : null;
            end();
            return new QuerySpec(QuerySpec.Kind.DELETE, entity, where, List.of(), 0, null, List.of());
        }
        String select = null;
        boolean count = false;
        if (accept("SELECT")) {
            if (peekIs("COUNT")) {
                next();
                expect("(");
                expect("THIS");
                expect(")");
                count = true;
            } else {
                select = path();
            }
        }
        Class<?> entity = primary;
        if (accept("FROM")) entity = entity(next());
        if (entity == null) throw error("the repository has no primary entity: say FROM which entity");
        Expr where = accept("WHERE") ? or() : null;
        List<SortKey> order = new ArrayList<>();
        if (accept("ORDER")) {
            expect("BY");
            do {
                String prop = path();
                boolean desc = accept("DESC");
                if (!desc) accept("ASC");
                order.add(new SortKey(prop, !desc, false));
            } while (accept(","));
        }
        end();
        return new QuerySpec(count ? QuerySpec.Kind.COUNT : QuerySpec.Kind.FIND, entity, where, order, 0, select, List.of());
    }

    private Expr or() {
        List<Expr> any = new ArrayList<>();
        do any.add(and()); while (accept("OR"));
        return any.size() == 1 ? any.get(0) : new Expr.Or(any);
    }

    private Expr and() {
        List<Expr> all = new ArrayList<>();
        do all.add(not()); while (accept("AND"));
        return all.size() == 1 ? all.get(0) : new Expr.And(all);
    }

    private Expr not() {
        if (accept("NOT")) return new Expr.Not(not());
        if (accept("(")) {
            Expr e = or();
            expect(")");
            return e;
        }
        return predicate();
    }

    private Expr predicate() {
        String prop = path();
        if (accept("IS")) {
            boolean not = accept("NOT");
            expect("NULL");
            return new Expr.Cond(prop, Op.NULL, not, false, List.of());
        }
        boolean not = accept("NOT");
        if (accept("BETWEEN")) {
            Operand lo = value();
            expect("AND");
            return new Expr.Cond(prop, Op.BETWEEN, not, false, List.of(lo, value()));
        }
        if (accept("IN")) {
            expect("(");
            List<Operand> in = new ArrayList<>();
            do in.add(value()); while (accept(","));
            expect(")");
            return new Expr.Cond(prop, Op.IN, not, false, in);
        }
        if (accept("LIKE")) return new Expr.Cond(prop, Op.LIKE, not, false, List.of(value()));
        if (not) throw error("expected BETWEEN, IN or LIKE after NOT");
        String op = next();
        Operand v = value();
        return switch (op) {
            case "=" -> new Expr.Cond(prop, Op.EQ, false, false, List.of(v));
            case "<>", "!=" -> new Expr.Cond(prop, Op.EQ, true, false, List.of(v));
            case "<" -> new Expr.Cond(prop, Op.LT, false, false, List.of(v));
            case "<=" -> new Expr.Cond(prop, Op.LE, false, false, List.of(v));
            case ">" -> new Expr.Cond(prop, Op.GT, false, false, List.of(v));
            case ">=" -> new Expr.Cond(prop, Op.GE, false, false, List.of(v));
            default -> throw error("expected a comparison after " + prop + ", got '" + op + "'");
        };
    }

    /** A property name or ID(THIS). */
    private String path() {
        String t = next();
        if (t.equalsIgnoreCase("ID") && accept("(")) {
            expect("THIS");
            expect(")");
            return EntityInfo.ID_FUNCTION;
        }
        if (!isIdentifier(t) || keyword(t)) throw error("expected a property name, got '" + t + "'");
        if (peekIs("(")) throw error("function " + t + "(...) is not supported");
        if (t.contains(".")) throw error("paths into embedded values (" + t + ") are not supported");
        return t;
    }

    private Operand value() {
        String t = next();
        if (t.startsWith("?")) {
            int n;
            try {
                n = Integer.parseInt(t.substring(1));
            } catch (NumberFormatException e) {
                throw error("bad positional parameter " + t);
            }
            if (n < 1 || n > paramNames.size()) throw error("parameter " + t + " but the method has " + paramNames.size() + " query parameter(s)");
            return new Operand.Param(n - 1);
        }
        if (t.startsWith(":")) {
            int i = paramNames.indexOf(t.substring(1));
            if (i < 0) throw error("no method parameter named " + t.substring(1) + " (parameters: " + paramNames
                    + "; compile with -parameters or use @Param)");
            return new Operand.Param(i);
        }
        if (t.startsWith("'")) return new Operand.Literal(t.substring(1, t.length() - 1).replace("''", "'"));
        if (t.equalsIgnoreCase("TRUE")) return new Operand.Literal(Boolean.TRUE);
        if (t.equalsIgnoreCase("FALSE")) return new Operand.Literal(Boolean.FALSE);
        if (t.equals("-") && Character.isDigit(peek().charAt(0))) return negate(number(next()));
        if (Character.isDigit(t.charAt(0))) return number(t);
        if (isIdentifier(t) && t.contains(".")) return enumConstant(t);
        throw error("expected a parameter or a literal, got '" + t + "'");
    }

    private Operand number(String t) {
        String u = t.toUpperCase(Locale.ROOT);
        try {
            if (u.endsWith("L")) return new Operand.Literal(Long.parseLong(u.substring(0, u.length() - 1)));
            if (u.endsWith("F")) return new Operand.Literal(Float.parseFloat(u.substring(0, u.length() - 1)));
            if (u.endsWith("D")) return new Operand.Literal(Double.parseDouble(u.substring(0, u.length() - 1)));
            if (u.contains(".") || u.contains("E")) return new Operand.Literal(new BigDecimal(u).doubleValue());
            long l = Long.parseLong(u);
            return new Operand.Literal(l == (int) l ? (Object) (int) l : (Object) l);
        } catch (NumberFormatException e) {
            throw error("bad number " + t);
        }
    }

    private static Operand negate(Operand o) {
        Object v = ((Operand.Literal) o).literal();
        return new Operand.Literal(v instanceof Integer i ? (Object) (-i) : v instanceof Long l ? (Object) (-l)
                : v instanceof Float f ? (Object) (-f) : (Object) (-(Double) v));
    }

    private Operand enumConstant(String qualified) {
        int dot = qualified.lastIndexOf('.');
        String type = qualified.substring(0, dot), constant = qualified.substring(dot + 1);
        for (String name = type; name != null; ) {
            try {
                Class<?> c = Class.forName(name, false, loader);
                if (c.isEnum()) {
                    for (Object k : c.getEnumConstants()) if (((Enum<?>) k).name().equals(constant)) return new Operand.Literal(k);
                    throw error(c.getName() + " has no constant " + constant);
                }
                break;
            } catch (ClassNotFoundException e) {
                int d = name.lastIndexOf('.');
                name = d < 0 ? null : name.substring(0, d) + "$" + name.substring(d + 1);
                if (name != null && name.indexOf('.') < 0) name = null;
            }
        }
        throw error("'" + qualified + "' is not an enum constant this application has");
    }

    private Class<?> entity(String name) {
        Class<?> c = entityNamed.apply(name);
        if (c == null) throw error("unknown entity " + name + " (an entity this repository's methods use)");
        return c;
    }

    private IllegalArgumentException error(String what) {
        return new IllegalArgumentException("query \"" + text + "\": " + what + " (the JDQL subset Bulwark supports is in the adapter's README)");
    }

    private String next() { return tokens.get(pos++); }

    private String peek() { return pos < tokens.size() ? tokens.get(pos) : ""; }

    private boolean peekIs(String s) { return peek().equalsIgnoreCase(s); }

    private boolean accept(String s) {
        if (pos < tokens.size() && tokens.get(pos).equalsIgnoreCase(s)) {
            pos++;
            return true;
        }
        return false;
    }

    private void expect(String s) {
        if (!accept(s)) throw error("expected " + s + (pos < tokens.size() ? ", got '" + tokens.get(pos) + "'" : " at the end"));
    }

    private void end() {
        if (pos < tokens.size()) throw error("unexpected '" + tokens.get(pos) + "'");
    }

    private static final List<String> KEYWORDS = List.of("SELECT", "FROM", "WHERE", "ORDER", "BY", "AND", "OR", "NOT", "IS", "NULL", "IN",
            "BETWEEN", "LIKE", "ASC", "DESC", "UPDATE", "SET", "DELETE", "TRUE", "FALSE");

    private static boolean keyword(String t) { return KEYWORDS.contains(t.toUpperCase(Locale.ROOT)); }

    private static boolean isIdentifier(String t) { return !t.isEmpty() && (Character.isJavaIdentifierStart(t.charAt(0))); }

    private List<String> tokenize(String s) {
        List<String> out = new ArrayList<>();
        int i = 0, n = s.length();
        while (i < n) {
            char c = s.charAt(i);
            if (Character.isWhitespace(c)) {
                i++;
            } else if (c == '\'') {
                int j = i + 1;
                StringBuilder b = new StringBuilder("'");
                while (true) {
                    if (j >= n) throw new IllegalArgumentException("query \"" + s + "\": unterminated string literal");
                    char d = s.charAt(j);
                    if (d == '\'' && j + 1 < n && s.charAt(j + 1) == '\'') {
                        b.append("''");
                        j += 2;
                    } else if (d == '\'') {
                        j++;
                        break;
                    } else {
                        b.append(d);
                        j++;
                    }
                }
                out.add(b.append('\'').toString());
                i = j;
            } else if (c == '?' || c == ':') {
                int j = i + 1;
                while (j < n && Character.isJavaIdentifierPart(s.charAt(j))) j++;
                out.add(s.substring(i, j));
                i = j;
            } else if (Character.isDigit(c)) {
                int j = i;
                while (j < n && (Character.isLetterOrDigit(s.charAt(j)) || s.charAt(j) == '.')) j++;
                out.add(s.substring(i, j));
                i = j;
            } else if (Character.isJavaIdentifierStart(c)) {
                int j = i;
                while (j < n && (Character.isJavaIdentifierPart(s.charAt(j)) || s.charAt(j) == '.')) j++;
                out.add(s.substring(i, j));
                i = j;
            } else if ((c == '<' || c == '>' || c == '!') && i + 1 < n && (s.charAt(i + 1) == '=' || c == '<' && s.charAt(i + 1) == '>')) {
                out.add(s.substring(i, i + 2));
                i += 2;
            } else if ("=<>(),+-*/".indexOf(c) >= 0) {
                out.add(String.valueOf(c));
                i++;
            } else {
                throw new IllegalArgumentException("query \"" + s + "\": unexpected character '" + c + "'");
            }
        }
        return out;
    }
}
