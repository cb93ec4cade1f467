package io.bulwark.jakarta.bad;

import jakarta.enterprise.context.ApplicationScoped;

/** Keeps its count in a field: not replicated, lost on restart, different after a state transfer. */
@ApplicationScoped
public class StatefulCounter implements Counter {
    private long count;

    @Override public long next() { return ++count; }
}
