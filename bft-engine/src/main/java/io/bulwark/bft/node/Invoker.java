package io.bulwark.bft.node;

import java.time.Duration;
import java.util.concurrent.TimeoutException;

/**
 * A client's way to a service: one operation in, its result out. {@link BftClient} is the one that matters (the
 * result certified by the replicas, section 4.2); the object store's unreplicated baseline is the other, so that
 * the layers above (the store's client, the Jakarta adapter's proxies) run unchanged against either.
 */
public interface Invoker {
    /**
     * Invokes {@code operation} and waits at most {@code timeout} for its result. {@link IllegalStateException}
     * when the client refuses the call before sending it (its cause an {@link IllegalArgumentException} when the
     * operation itself is refused) or has lost its way to the service.
     */
    byte[] invoke(byte[] operation, boolean readOnly, Duration timeout) throws TimeoutException, InterruptedException;

    /** The newest view this client learned from a certified reply; -1 where there is none (no replica group). */
    long view();
}
