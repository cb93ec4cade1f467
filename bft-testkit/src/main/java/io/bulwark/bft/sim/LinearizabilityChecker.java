package io.bulwark.bft.sim;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.BitSet;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.TreeMap;

/**
 * Checks that a history is linearizable with respect to a sequential {@link Model}, key by key
 * (P-compositionality: a history is linearizable iff each key's sub-history is, when the model's
 * keys are independent; one key for a model whose operations span several).
 * <p>
 * The search is Lowe's just-in-time linearization as Porcupine implements it: the call and return
 * events in one doubly linked list in time order; an operation is linearized only when its call is
 * reached, and the search backtracks as soon as a return is reached whose operation is not
 * linearized yet; configurations (operations linearized, model state) already explored are cached.
 * A pending operation returns "at infinity": it may take effect anywhere after its call, and taking
 * effect last is the same as never. Pending read-only operations are left out.
 * <p>
 * A search that goes past its budget is "unknown" for that key — never a pass; the other keys are
 * still checked. A key without a linearization gets a minimal witness: a subset of its operations
 * that has none either, closed under "a read's value comes from its write" so that it is a proof.
 */
public final class LinearizabilityChecker {
    /** Configurations one key's search may cache before it is reported as unknown. */
    public static final int DEFAULT_BUDGET = 1_000_000;
    /** Witnesses are shrunk operation by operation only below this size (after bisection). */
    private static final int WITNESS_TRIALS = 2_000;

    /** One key without a linearization: its size and a minimal witness (operations in invocation order). */
    public record Violation(int key, int operations, List<History.Op> witness) {
        public String describe() {
            StringBuilder b = new StringBuilder("key " + key + " (" + operations + " operations) has no linearization; witness:");
            int shown = 0;
            for (History.Op op : witness) {
                if (shown++ == 40) { b.append("\n    ... ").append(witness.size() - 40).append(" more"); break; }
                b.append("\n    ").append(op);
            }
            return b.toString();
        }
    }

    /** The verdict: keys checked, keys whose search ran out of budget (unknown), and violations. */
    public record Result(int keys, List<Integer> unknownKeys, List<Violation> violations) {
        public boolean linearizable() { return violations.isEmpty(); }

        /** Linearizable and every key decided. */
        public boolean ok() { return violations.isEmpty() && unknownKeys.isEmpty(); }
    }

    private LinearizabilityChecker() {}

    public static <S> Result check(List<History.Op> all, Model<S> model) { return check(all, model, DEFAULT_BUDGET); }

    public static <S> Result check(List<History.Op> all, Model<S> model, int budget) {
        TreeMap<Integer, List<History.Op>> byKey = new TreeMap<>();
        for (History.Op op : all) {
            if (op.pending() && model.readOnly(op.input)) continue;
            byKey.computeIfAbsent(op.key, k -> new ArrayList<>()).add(op);
        }
        List<Integer> unknown = new ArrayList<>();
        List<Violation> violations = new ArrayList<>();
        for (var e : byKey.entrySet()) {
            Boolean ok = linearizable(e.getValue(), model, budget);
            if (ok == null) unknown.add(e.getKey());
            else if (!ok) violations.add(new Violation(e.getKey(), e.getValue().size(), witness(e.getValue(), model, budget)));
        }
        return new Result(byKey.size(), List.copyOf(unknown), List.copyOf(violations));
    }

    /** True, false, or null when the search went past {@code budget} cached configurations. */
    static <S> Boolean linearizable(List<History.Op> ops, Model<S> model, int budget) {
        return new Search<>(ops, model, budget).run();
    }

    /**
     * Shrinks a history without a linearization to a small subset that has none either. A subset
     * keeps what the model's {@link Model#closure} says it must (for a register: each read's write),
     * so that any linearization of the whole would restrict to one of the subset, and the subset
     * alone proves the violation. Such proofs only grow with their subset, so the shortest failing
     * prefix (by invocation) is found by bisection, then the latest start within it, and what is
     * left is shrunk one operation at a time.
     */
    private static <S> List<History.Op> witness(List<History.Op> ops, Model<S> model, int budget) {
        List<History.Op> all = new ArrayList<>(ops);
        all.sort(Comparator.comparingLong(o -> o.invoke));
        if (model.closure(all, all) == null) return List.copyOf(all);   // this model cannot tell which subsets still prove it
        int lo = 1, hi = all.size();   // the prefix of hi operations fails
        while (lo < hi) {
            int mid = (lo + hi) >>> 1;
            if (fails(window(all, 0, mid, model), model, budget)) hi = mid; else lo = mid + 1;
        }
        int end = hi, from = 0, to = end - 1;   // the window [from, end) fails
        while (from < to) {
            int mid = (from + to + 1) >>> 1;
            if (fails(window(all, mid, end, model), model, budget)) from = mid; else to = mid - 1;
        }
        List<History.Op> w = window(all, from, end, model);
        if (w.size() > WITNESS_TRIALS) return List.copyOf(w);
        for (int i = w.size() - 1; i >= 0 && w.size() > 1; i--) {
            if (i >= w.size()) continue;
            List<History.Op> cut = new ArrayList<>(w);
            cut.remove(i);
            cut = model.closure(cut, all);
            if (fails(cut, model, budget)) w = cut;
        }
        return List.copyOf(w);
    }

    private static <S> List<History.Op> window(List<History.Op> sorted, int from, int to, Model<S> model) {
        return model.closure(new ArrayList<>(sorted.subList(from, to)), sorted);
    }

    private static <S> boolean fails(List<History.Op> ops, Model<S> model, int budget) {
        return Boolean.FALSE.equals(linearizable(ops, model, budget));
    }

    /** One key's search (Porcupine's checkSingle over arrays). */
    private static final class Search<S> {
        private final History.Op[] ops;
        private final Model<S> model;
        private final int budget;
        /** Events in time order: entry e is the call (isCall) or return of operation opOf[e]. */
        private final int[] opOf;
        private final boolean[] isCall;
        /** For a call entry, its return entry. */
        private final int[] match;
        /** The linked list over entries 0..2m-1 with head sentinel 2m; -1 is the end. */
        private final int[] prev, next;
        private final int head;

        private record Config(BitSet linearized, Object state) {}

        Search(List<History.Op> list, Model<S> model, int budget) {
            this.ops = list.toArray(new History.Op[0]);
            this.model = model;
            this.budget = budget;
            int m = ops.length;
            long[] time = new long[2 * m];
            Integer[] order = new Integer[2 * m];
            for (int i = 0; i < m; i++) {
                if (ops[i].complete <= ops[i].invoke) throw new IllegalArgumentException("operation completes before it is invoked: " + ops[i]);
                time[2 * i] = ops[i].invoke;
                time[2 * i + 1] = ops[i].complete;
                order[2 * i] = 2 * i;
                order[2 * i + 1] = 2 * i + 1;
            }
            // By time; at equal times calls first (equal times are concurrent: a precedes b only if a.complete < b.invoke).
            Arrays.sort(order, Comparator.<Integer>comparingLong(e -> time[e]).thenComparingInt(e -> e & 1).thenComparingInt(e -> e));
            opOf = new int[2 * m];
            isCall = new boolean[2 * m];
            match = new int[2 * m];
            int[] callPos = new int[m];
            for (int p = 0; p < 2 * m; p++) {
                int e = order[p];
                opOf[p] = e >> 1;
                isCall[p] = (e & 1) == 0;
                if (isCall[p]) callPos[e >> 1] = p;
                else match[callPos[e >> 1]] = p;
            }
            head = 2 * m;
            prev = new int[2 * m + 1];
            next = new int[2 * m + 1];
            for (int p = 0; p < 2 * m; p++) {
                prev[p] = p == 0 ? head : p - 1;
                next[p] = p + 1 < 2 * m ? p + 1 : -1;
            }
            next[head] = m == 0 ? -1 : 0;
            prev[head] = -1;
        }

        Boolean run() {
            Set<Config> cache = new HashSet<>();
            BitSet linearized = new BitSet(ops.length);
            int[] stackEntry = new int[ops.length];
            Object[] stackState = new Object[ops.length];
            int depth = 0;
            S state = model.init();
            int entry = next[head];
            while (next[head] != -1) {
                if (isCall[entry]) {
                    History.Op op = ops[opOf[entry]];
                    S after = model.step(state, op.input, op.output);
                    if (after != null) {
                        BitSet l = (BitSet) linearized.clone();
                        l.set(opOf[entry]);
                        if (cache.add(new Config(l, after))) {
                            if (cache.size() > budget) return null;
                            stackEntry[depth] = entry;
                            stackState[depth++] = state;
                            state = after;
                            linearized.set(opOf[entry]);
                            lift(entry);
                            entry = next[head];
                            continue;
                        }
                    }
                    entry = next[entry];
                } else {
                    // A return whose operation is not linearized yet: undo the last choice.
                    if (depth == 0) return false;
                    entry = stackEntry[--depth];
                    @SuppressWarnings("unchecked") S s = (S) stackState[depth];
                    state = s;
                    linearized.clear(opOf[entry]);
                    unlift(entry);
                    entry = next[entry];
                }
            }
            return true;
        }

        /** Takes a call and its return out of the list. */
        private void lift(int call) {
            int ret = match[call];
            next[prev[call]] = next[call];
            if (next[call] != -1) prev[next[call]] = prev[call];
            next[prev[ret]] = next[ret];
            if (next[ret] != -1) prev[next[ret]] = prev[ret];
        }

        /** Puts them back (dancing links: they still point at their old neighbours). */
        private void unlift(int call) {
            int ret = match[call];
            next[prev[ret]] = ret;
            if (next[ret] != -1) prev[next[ret]] = ret;
            next[prev[call]] = call;
            if (next[call] != -1) prev[next[call]] = call;
        }
    }
}
