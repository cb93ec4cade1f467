package io.bulwark.bft.sim;

import java.util.function.IntPredicate;
import java.util.function.IntToLongFunction;
import java.util.function.LongSupplier;

/**
 * Issue 15 item 3's oracle: once the network is healthy, no correct replica stays in a view that no
 * quorum of correct replicas is in for longer than a bound. With at least 2f+1 correct replicas, at
 * most one view holds 2f+1 of them, so that is the same as "the correct replicas are not all in one
 * view" (changing to a view counts as being in it: the replica left the one before). A split is
 * normal while a view change spreads; one that lasts means a replica was left alone: it ignores
 * everything as wrong-view, keeps up only by state transfer, and the group runs without its fault
 * margin while nobody is told.
 * <p>
 * The bound is the one a correct client's request is held to after the heal
 * ({@link Simulation#clientBoundUs}, from the largest view-change timeout a correct replica runs):
 * f+1 view changes in a row, each timeout doubling, and room for the rest. Checked after every event,
 * so the split is timed to the microsecond; read-only.
 */
final class LeftAloneOracle {
    private final int n;
    private final IntPredicate correct;
    private final IntToLongFunction view;
    private final IntPredicate active;
    private final LongSupplier boundUs;
    private boolean armed;
    /** Since when (µs) the correct replicas have not all been in one view, or -1. */
    private long splitSince = -1;
    private String failure;

    /**
     * @param correct whether replica i is correct; {@code view}, {@code active}: its view and whether it is installed
     * @param boundUs how long a split may last now (µs)
     */
    LeftAloneOracle(int n, IntPredicate correct, IntToLongFunction view, IntPredicate active, LongSupplier boundUs) {
        this.n = n;
        this.correct = correct;
        this.view = view;
        this.active = active;
        this.boundUs = boundUs;
    }

    /** The network healed at {@code nowUs}: splits count from now (one under way counts from the heal). */
    void arm(long nowUs) {
        armed = true;
        check(nowUs);
    }

    /** After each event: starts, ends or times the current split. */
    void check(long nowUs) {
        if (!armed || failure != null) return;
        if (oneView()) {
            splitSince = -1;
            return;
        }
        if (splitSince < 0) splitSince = nowUs;
        long lasted = nowUs - splitSince;
        long bound = boundUs.getAsLong();
        if (lasted > bound)
            failure = "correct replicas not in one view for " + lasted / 1000 + " ms after the heal (bound " + bound / 1000
                    + " ms, since " + splitSince / 1000 + " ms): " + views() + " (a replica left alone in a view no quorum is in)";
    }

    /** The failure, once a split outlasted the bound; null otherwise. */
    String failure() { return failure; }

    private boolean oneView() {
        long v = -1;
        for (int i = 0; i < n; i++) {
            if (!correct.test(i)) continue;
            if (v >= 0 && view.applyAsLong(i) != v) return false;
            v = view.applyAsLong(i);
        }
        return true;
    }

    /** The view of every replica, e.g. {@code views 0=3 1=4(changing) 2=3 3=3(faulty)}. */
    String views() {
        StringBuilder b = new StringBuilder("views");
        for (int i = 0; i < n; i++)
            b.append(' ').append(i).append('=').append(view.applyAsLong(i)).append(active.test(i) ? "" : "(changing)")
                    .append(correct.test(i) ? "" : "(faulty)");
        return b.toString();
    }
}
