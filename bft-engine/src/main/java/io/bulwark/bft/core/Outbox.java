package io.bulwark.bft.core;

import java.util.ArrayList;
import java.util.List;

/** The actions a core has produced and its driver has not collected yet, in order. */
final class Outbox {
    private final List<Action> actions = new ArrayList<>();

    void add(Action a) { actions.add(a); }

    /** The pending actions, for helpers that append to them (state transfer). */
    List<Action> list() { return actions; }

    /** The actions accumulated since the last call, in order. */
    List<Action> ready() {
        if (actions.isEmpty()) return List.of();
        List<Action> r = new ArrayList<>(actions);
        actions.clear();
        return r;
    }

    /** Moves the accumulated actions to the end of {@code sink} (no intermediate copy). */
    void drainTo(List<Action> sink) {
        sink.addAll(actions);
        actions.clear();
    }
}
