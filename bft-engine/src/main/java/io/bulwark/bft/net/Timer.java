package io.bulwark.bft.net;

/**
 * A one-shot timer set with {@link EventLoop#schedule}. Cancelling is idempotent and may be
 * done from any thread; a timer cancelled on the loop thread before it fires never runs.
 */
public final class Timer {
    final EventLoop loop;
    final long deadline;   // System.nanoTime() value
    final long seq;        // FIFO order among equal deadlines
    final Runnable task;
    int heapIndex = -1;    // position in the loop's TimerHeap, -1 when not queued (loop thread only)
    private volatile boolean cancelled;

    Timer(EventLoop loop, long deadline, long seq, Runnable task) {
        this.loop = loop;
        this.deadline = deadline;
        this.seq = seq;
        this.task = task;
    }

    /** Cancels the timer; it will not run unless it already started. */
    public void cancel() {
        if (cancelled) return;
        cancelled = true;
        loop.cancelTimer(this);
    }

    public boolean isCancelled() { return cancelled; }

    /** Deadline as a System.nanoTime() value. */
    public long deadlineNanos() { return deadline; }
}
