package io.bulwark.bft.testkit;

import java.time.Duration;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;

/** Polls a condition until it holds or a deadline passes (tests never sleep a fixed time). The one of every module's tests. */
public final class Await {
    /** The deadline of {@link #until(String, BooleanSupplier)}. */
    public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(10);

    private Await() { }

    public static void until(String what, BooleanSupplier cond) { until(what, DEFAULT_TIMEOUT, cond); }

    public static void until(String what, Duration timeout, BooleanSupplier cond) {
        until(what, timeout, cond, () -> "");
    }

    /** As {@link #until(String, Duration, BooleanSupplier)}; a timeout's message ends with {@code state}, read then. */
    public static void until(String what, Duration timeout, BooleanSupplier cond, Supplier<String> state) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!cond.getAsBoolean()) {
            if (System.nanoTime() - deadline > 0) {
                String now = state.get();
                throw new AssertionError("timed out after " + timeout + " waiting for " + what + (now.isEmpty() ? "" : "; " + now));
            }
            LockSupport.parkNanos(200_000);
        }
    }
}
