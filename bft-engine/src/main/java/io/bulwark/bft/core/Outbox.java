package io.bulwark.bft.core;

import java.util.ArrayList;
import java.util.List;

/** The actions a core has produced and its driver has not collected yet, in order. */
final class Outbox<A extends Action> {
    private final List<A> actions = new ArrayList<>();

    void add(A a) { actions.add(a); }

    /** The pending actions, for helpers that append to them (state transfer). */
    List<A> list() { return actions; }

    /** The actions accumulated since the last call, in order. */
    List<A> ready() {
        if (actions.isEmpty()) return List.of();
        List<A> r = new ArrayList<>(actions);
        actions.clear();
        return r;
    }

    /** Moves the accumulated actions to the end of {@code sink} (no intermediate copy). */
    void drainTo(List<? super A> sink) {
        sink.addAll(actions);
        actions.clear();
    }
}
