package io.bulwark.bft.sim;

import java.util.ArrayList;
import java.util.BitSet;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * Checks that a key-value history is linearizable, key by key (linearizability is compositional,
 * Herlihy and Wing 1990), with a depth-first search in the style of Wing and Gong with Lowe's
 * memoization of (operations linearized, register value) configurations.
 * <p>
 * A pending operation (never completed) may take effect at any point after its invocation, or
 * not at all.
 */
final class LinearizabilityChecker {
    /** Give up on a key after this many configurations (reported as "not checked", not as a violation). */
    private static final int MAX_CONFIGURATIONS = 2_000_000;

    record Result(boolean linearizable, boolean exhausted, String detail) {}

    static Result check(List<History.Op> all) {
        int maxKey = -1;
        for (History.Op op : all) maxKey = Math.max(maxKey, op.key);
        for (int key = 0; key <= maxKey; key++) {
            List<History.Op> ops = new ArrayList<>();
            for (History.Op op : all) if (op.key == key && (op.write || op.complete != Long.MAX_VALUE)) ops.add(op);
            if (ops.isEmpty()) continue;
            Search s = new Search(ops);
            Boolean ok = s.run();
            if (ok == null) return new Result(true, true, "key " + key + ": search space exhausted after " + MAX_CONFIGURATIONS + " configurations");
            if (!ok) return new Result(false, false, "key " + key + " (" + ops.size() + " operations) has no linearization");
        }
        return new Result(true, false, "");
    }

    private static final class Search {
        private final History.Op[] ops;
        private final Set<Config> seen = new HashSet<>();
        private int mustComplete;

        private record Config(BitSet done, long value) {}

        Search(List<History.Op> list) {
            ops = list.toArray(new History.Op[0]);
            java.util.Arrays.sort(ops, (a, b) -> Long.compare(a.invoke, b.invoke));
            for (History.Op op : ops) {
                if (op.complete < op.invoke) throw new IllegalArgumentException("operation completes before it is invoked");
                if (op.complete != Long.MAX_VALUE) mustComplete++;
            }
        }

        /** True, false, or null when the search was cut off. */
        Boolean run() {
            // Iterative DFS: frames of (done set, value, completed count).
            record Frame(BitSet done, long value, int completed) {}
            ArrayList<Frame> stack = new ArrayList<>();
            stack.add(new Frame(new BitSet(ops.length), 0, 0));
            while (!stack.isEmpty()) {
                Frame fr = stack.remove(stack.size() - 1);
                if (fr.completed == mustComplete) return true;
                if (!seen.add(new Config(fr.done, fr.value))) continue;
                if (seen.size() > MAX_CONFIGURATIONS) return null;
                // The earliest completion among operations not yet linearized bounds what may go next.
                // Operations are sorted by invocation and complete no earlier than they are invoked,
                // so once an invocation lies beyond the horizon found so far, no later operation
                // can lower it: stop there (same horizon as scanning every remaining operation).
                int first = fr.done.nextClearBit(0);
                long horizon = Long.MAX_VALUE;
                for (int i = first; i < ops.length && ops[i].invoke <= horizon; i = fr.done.nextClearBit(i + 1))
                    horizon = Math.min(horizon, ops[i].complete);
                for (int i = first; i < ops.length; i = fr.done.nextClearBit(i + 1)) {
                    History.Op op = ops[i];
                    if (op.invoke > horizon) break;   // sorted by invocation
                    long next;
                    if (op.write) next = op.value;
                    else if (op.value == fr.value) next = fr.value;
                    else continue;
                    BitSet done = (BitSet) fr.done.clone();
                    done.set(i);
                    stack.add(new Frame(done, next, fr.completed + (op.complete != Long.MAX_VALUE ? 1 : 0)));
                }
            }
            return false;
        }
    }
}
