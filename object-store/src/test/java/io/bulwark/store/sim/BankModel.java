package io.bulwark.store.sim;

import io.bulwark.bft.sim.Model;
import java.util.Map;
import java.util.TreeMap;

/**
 * The simulated bank as a sequential specification, for the engine's linearizability checker: the
 * state is every open account's balance; a transfer answers the source's new balance, or
 * {@link #REFUSED} when it would overdraw (the entity's {@code @Min(0)}); a balance read answers the
 * balance. So every certified answer must be exactly what some order of the operations, consistent
 * with real time, gives.
 */
final class BankModel implements Model<Map<String, Long>> {
    static final BankModel INSTANCE = new BankModel();

    record Open(String account, long initial) {
        @Override public String toString() { return "open " + account + " with " + initial; }
    }

    record Transfer(String from, String to, long amount) {
        @Override public String toString() { return "transfer " + amount + " " + from + "->" + to; }
    }

    record Balance(String account) {
        @Override public String toString() { return "balance " + account; }
    }

    /** A transfer the invariant refused. */
    static final String REFUSED = "refused";
    /** What an open answers. */
    static final String OPENED = "opened";

    private BankModel() {}

    @Override public Map<String, Long> init() { return Map.of(); }

    @Override public Map<String, Long> step(Map<String, Long> state, Object input, Object output) {
        if (input instanceof Open o) {
            if (state.containsKey(o.account()) || !(output == null || output.equals(OPENED))) return null;
            return with(state, o.account(), o.initial());
        }
        if (input instanceof Transfer t) {
            Long from = state.get(t.from()), to = state.get(t.to());
            if (from == null || to == null || t.from().equals(t.to())) return null;   // the workload never sends these
            if (from - t.amount() < 0) return output == null || output.equals(REFUSED) ? state : null;
            if (output != null && !output.equals(from - t.amount())) return null;
            return with(with(state, t.from(), from - t.amount()), t.to(), to + t.amount());
        }
        Balance b = (Balance) input;
        Long balance = state.get(b.account());
        return balance != null && (output == null || output.equals(balance)) ? state : null;
    }

    @Override public boolean readOnly(Object input) { return input instanceof Balance; }

    private static Map<String, Long> with(Map<String, Long> state, String account, long balance) {
        TreeMap<String, Long> m = new TreeMap<>(state);
        m.put(account, balance);
        return m;
    }
}
