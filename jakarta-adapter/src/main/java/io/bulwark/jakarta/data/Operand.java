package io.bulwark.jakarta.data;

import java.util.List;

/** The right side of a condition: a parameter of the call (by position among the query parameters) or a literal of the query. */
sealed interface Operand {
    Object value(List<Object> params);

    record Param(int index) implements Operand {
        @Override public Object value(List<Object> params) {
            if (index >= params.size()) throw new IllegalArgumentException("the query needs parameter " + (index + 1) + " but got " + params.size());
            return params.get(index);
        }
    }

    record Literal(Object literal) implements Operand {
        @Override public Object value(List<Object> params) { return literal; }
    }

    /** {@code property op operand}: the arithmetic of a JDQL update's right side ({@code length + ?1}). */
    record Arithmetic(String property, char op, Operand right) implements Operand {
        @Override public Object value(List<Object> params) { throw new IllegalStateException("arithmetic needs the entity"); }
    }

    /** Another property of the same entity ({@code SET a = b}). */
    record Property(String property) implements Operand {
        @Override public Object value(List<Object> params) { throw new IllegalStateException("a property needs the entity"); }
    }
}
