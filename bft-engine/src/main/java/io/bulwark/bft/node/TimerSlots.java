package io.bulwark.bft.node;

import io.bulwark.bft.core.TimerKind;
import io.bulwark.bft.net.EventLoop;
import io.bulwark.bft.net.Timer;
import java.util.function.Consumer;

/** One re-armable event-loop timer per {@link TimerKind}, as the cores expect ({@code SetTimer} replaces). */
final class TimerSlots {
    private final EventLoop loop;
    private final Timer[] timers = new Timer[TimerKind.values().length];
    private final Consumer<TimerKind> onFire;

    TimerSlots(EventLoop loop, Consumer<TimerKind> onFire) {
        this.loop = loop;
        this.onFire = onFire;
    }

    /** Arms {@code kind} to fire at {@code deadlineMs} on the wall clock (delays clamped to [0, 1 h]). */
    void set(TimerKind kind, long deadlineMs, long nowMs) {
        Timer old = timers[kind.ordinal()];
        if (old != null) old.cancel();
        long delayMs = Math.max(0, Math.min(deadlineMs - nowMs, 3_600_000));
        timers[kind.ordinal()] = loop.schedule(delayMs * 1_000_000L, () -> {
            timers[kind.ordinal()] = null;
            onFire.accept(kind);
        });
    }

    void cancelAll() {
        for (int i = 0; i < timers.length; i++) {
            if (timers[i] != null) timers[i].cancel();
            timers[i] = null;
        }
    }
}
