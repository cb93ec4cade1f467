package io.bulwark.jakarta.bad;

import io.bulwark.jakarta.Replicated;

/** A contract the bad beans below implement, each breaking one determinism rule. */
@Replicated
public interface Counter {
    long next();
}
