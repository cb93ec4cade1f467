package io.bulwark.store.xa;

import io.bulwark.store.page.Pages;
import io.bulwark.store.tx.Footprint;

/**
 * How the XA layer runs one of a branch's application requests: the store service's own execution path
 * (access control, argument decoding and validation, the operation in a transaction, the work budget)
 * over {@code base}, with the agreed time and seed the call first ran with, publishing into {@code base}
 * on success; any failure is thrown and leaves {@code base} as it was.
 */
@FunctionalInterface
public interface CallRunner {
    Ran run(Pages base, byte[] request, long millis, long seed);

    /** The operation's encoded result and what it read and wrote. */
    record Ran(byte[] result, Footprint footprint) {}
}
