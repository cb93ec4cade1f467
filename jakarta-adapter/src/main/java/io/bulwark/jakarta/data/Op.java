package io.bulwark.jakarta.data;

/** The comparison of a query condition (negated by {@link Expr.Cond#not}). */
enum Op {
    EQ(1), LT(1), LE(1), GT(1), GE(1), BETWEEN(2), IN(1), LIKE(1), CONTAINS(1), STARTS_WITH(1), ENDS_WITH(1), NULL(0), TRUE(0), FALSE(0);

    /** How many operands (parameters or literals) the comparison takes. */
    final int operands;

    Op(int operands) { this.operands = operands; }
}
