package io.bulwark.store.work;

import io.bulwark.store.BudgetExceededException;

/**
 * The work one operation did, in deterministic units, against its budget (FoundationDB's transaction
 * limits and Ethereum's gas are the models): a replica must not spend unbounded time on one request,
 * and it cannot use a clock to stop it — each replica's clock and speed differ, so a time limit would
 * abort the operation at some replicas and not at others. Units are counted where the store does the
 * work, the same at every replica for the same operation on the same state (no cache is counted):
 * <ul>
 * <li>a page read or written through the transaction's overlay: 1 unit;</li>
 * <li>an entity decoded from its record: {@value #ENTITY_UNITS} units;</li>
 * <li>an index entry stepped over by a query (skipped by an offset, or returned): 1 unit;</li>
 * <li>a {@code @Pattern} match: the input's length times (1 + the pattern's length / 8), a bound of
 *     the linear-time matcher's work;</li>
 * <li>whatever the application charges with {@code Tx.charge} for its own loops.</li>
 * </ul>
 * Over budget, {@link #charge} throws a {@link BudgetExceededException}, and keeps throwing it: an
 * operation that catches it cannot go on working, and the service reports the budget failure even
 * if the operation swallowed it.
 * <p>
 * Not thread-safe: one operation, one thread.
 */
public final class WorkMeter {
    /** The default budget of one operation: a query may return its {@code MAX_RESULTS} (10,000) entities several times over. */
    public static final long DEFAULT_BUDGET = 1_000_000;
    static final int ENTITY_UNITS = 16;

    /** What is counted, with its weight in budget units. */
    public enum Kind {
        PAGE("page accesses", 1), ENTITY("entities decoded", ENTITY_UNITS), INDEX_STEP("index steps", 1),
        PATTERN_STEP("pattern steps", 1), APPLICATION("application steps", 1);

        final String label;
        final long weight;

        Kind(String label, long weight) { this.label = label; this.weight = weight; }
    }

    private final String operation;
    private final long budget;
    private final long[] counts = new long[Kind.values().length];
    private long used;
    private BudgetExceededException exceeded;

    /** A meter that never runs out (the store's own work outside an operation). */
    public static WorkMeter unlimited() { return new WorkMeter("(unmetered)", Long.MAX_VALUE); }

    public WorkMeter(String operation, long budget) {
        if (budget <= 0) throw new IllegalArgumentException("a work budget must be > 0, got " + budget);
        this.operation = operation;
        this.budget = budget;
    }

    /** Counts {@code n} of {@code kind}; throws once the budget is exceeded (and at every charge after). */
    public void charge(Kind kind, long n) {
        if (exceeded != null) throw exceeded;
        if (n < 0) throw new IllegalArgumentException("negative work: " + n);
        counts[kind.ordinal()] = saturatedAdd(counts[kind.ordinal()], n);
        used = saturatedAdd(used, n > Long.MAX_VALUE / kind.weight ? Long.MAX_VALUE : n * kind.weight);
        if (used > budget) {
            exceeded = new BudgetExceededException(describe());
            throw exceeded;
        }
    }

    public void page() { charge(Kind.PAGE, 1); }

    /** The failure if the budget was exceeded (whether or not the operation let it through), else null. */
    public BudgetExceededException exceeded() { return exceeded; }

    public long used() { return used; }

    public long budget() { return budget; }

    public long count(Kind kind) { return counts[kind.ordinal()]; }

    private String describe() {
        StringBuilder b = new StringBuilder("operation ").append(operation).append(" exceeded its work budget of ")
                .append(budget).append(" units:");
        String sep = " ";
        for (Kind k : Kind.values()) {
            b.append(sep).append(counts[k.ordinal()]).append(' ').append(k.label);
            sep = ", ";
        }
        return b.toString();
    }

    private static long saturatedAdd(long a, long b) {
        long s = a + b;
        return s < 0 ? Long.MAX_VALUE : s;
    }
}
