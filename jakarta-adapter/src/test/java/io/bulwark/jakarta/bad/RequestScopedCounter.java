package io.bulwark.jakarta.bad;

import jakarta.enterprise.context.RequestScoped;

/** A scope a replica does not have. */
@RequestScoped
public class RequestScopedCounter implements Counter {
    @Override public long next() { return 1; }
}
