package io.bulwark.bft.net;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.System.Logger.Level;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.SelectableChannel;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.util.ArrayDeque;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

/**
 * One thread that owns a {@link Selector}, a heap of timers and a queue of tasks. Everything
 * of one process (transport, protocol core, timers) runs on this thread, so nothing is handed
 * between threads per message.
 *
 * <p>One iteration: select (blocking until I/O, the next timer or a task) → service ready keys
 * → run due timers → run queued tasks → run {@link #addAfterBatch after-batch listeners} →
 * run the one-shot {@link #atEndOfIteration end-of-iteration} callbacks (the transport flushes
 * coalesced writes there, so everything sent during the iteration leaves in few syscalls).
 *
 * <p>Threading: {@link #execute}, {@link #submit}, {@link #schedule}, {@link Timer#cancel},
 * {@link #addAfterBatch}, {@link #close} and the getters are thread-safe; {@link #register} and
 * {@link #atEndOfIteration} are loop thread only. An exception thrown by a task, timer,
 * listener or I/O handler is logged and counted; it never stops the loop.
 */
public final class EventLoop implements AutoCloseable {
    private static final System.Logger LOG = System.getLogger(EventLoop.class.getName());
    private static final long CLOSE_WAIT_MS = 5_000;
    /** Tasks run per iteration before I/O gets another turn (tasks may enqueue tasks). */
    private static final int MAX_TASKS_PER_ITERATION = 4096;

    private final Selector selector;
    private final Thread thread;
    private final ConcurrentLinkedQueue<Runnable> tasks = new ConcurrentLinkedQueue<>();
    /** True while the loop is in (or about to enter) a blocking select: only then wake it. */
    private final AtomicBoolean selecting = new AtomicBoolean();
    private final TimerHeap timers = new TimerHeap();
    private final AtomicLong timerSeq = new AtomicLong();
    private final List<Runnable> afterBatch = new CopyOnWriteArrayList<>();
    private final ArrayDeque<Runnable> endOfIteration = new ArrayDeque<>();
    private final AtomicLong errors = new AtomicLong();
    private final AtomicLong wakeups = new AtomicLong();
    private volatile boolean running = true;
    private final CompletableFuture<Void> terminated = new CompletableFuture<>();

    private EventLoop(String name, boolean daemon) throws IOException {
        this.selector = Selector.open();
        this.thread = new Thread(this::run, name);
        thread.setDaemon(daemon);
    }

    /** Opens a selector and starts the loop thread. */
    public static EventLoop start(String threadName, boolean daemon) {
        Objects.requireNonNull(threadName);
        try {
            EventLoop loop = new EventLoop(threadName, daemon);
            loop.thread.start();
            return loop;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot open selector", e);
        }
    }

    public static EventLoop start(String threadName) { return start(threadName, true); }

    public boolean inLoop() { return Thread.currentThread() == thread; }

    public boolean isRunning() { return running; }

    /** True once the loop thread has ended and every channel it owned is closed. */
    public boolean isTerminated() { return terminated.isDone(); }

    public String name() { return thread.getName(); }

    /** Exceptions thrown by tasks, timers, listeners and I/O handlers so far. */
    public long errorCount() { return errors.get(); }

    /** Selector wake-ups issued by other threads (for tests of the "wake only when needed" rule). */
    public long wakeupCount() { return wakeups.get(); }

    /**
     * Runs the task on the loop thread, after the current iteration's I/O. Thread-safe.
     *
     * @throws RejectedExecutionException if the loop is closed
     */
    public void execute(Runnable task) {
        Objects.requireNonNull(task);
        if (!running) throw new RejectedExecutionException("event loop " + name() + " is closed");
        tasks.add(task);
        // Wake only a loop that is (about to be) blocked in select; a running loop will see the
        // task before it blocks again (it re-checks the queue after setting `selecting`).
        if (!inLoop() && selecting.compareAndSet(true, false)) {
            wakeups.incrementAndGet();
            selector.wakeup();
        }
    }

    /** Runs the callable on the loop thread (directly if already on it). */
    public <T> CompletableFuture<T> submit(Callable<T> call) {
        CompletableFuture<T> f = new CompletableFuture<>();
        Runnable r = () -> {
            try {
                f.complete(call.call());
            } catch (Throwable t) {
                f.completeExceptionally(t);
            }
        };
        if (inLoop()) r.run();
        else execute(r);
        return f;
    }

    /** Runs on the loop and waits (bounded); rethrows the callable's failure unchecked. */
    <T> T call(Callable<T> c) {
        try {
            CompletableFuture<T> f = submit(c);
            // a loop closing under us never runs the task: stop waiting when it terminates
            CompletableFuture.anyOf(f, terminated).get(CLOSE_WAIT_MS, TimeUnit.MILLISECONDS);
            if (!f.isDone()) throw new RejectedExecutionException("event loop " + name() + " closed");
            return f.get();
        } catch (java.util.concurrent.ExecutionException e) {
            Throwable cause = e.getCause();
            if (cause instanceof RuntimeException re) throw re;
            if (cause instanceof IOException io) throw new UncheckedIOException(io);
            if (cause instanceof Error err) throw err;
            throw new IllegalStateException(cause);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted waiting for " + name(), e);
        } catch (java.util.concurrent.TimeoutException e) {
            throw new IllegalStateException("event loop " + name() + " did not answer within " + CLOSE_WAIT_MS + " ms", e);
        }
    }

    /**
     * Runs the task on the loop thread after at least {@code delayNanos}. Thread-safe. Timers
     * with equal deadlines run in the order they were scheduled.
     */
    public Timer schedule(long delayNanos, Runnable task) {
        Objects.requireNonNull(task);
        long deadline = System.nanoTime() + Math.max(0, delayNanos);
        Timer t = new Timer(this, deadline, timerSeq.getAndIncrement(), task);
        if (inLoop()) timers.add(t);
        else execute(() -> { if (!t.isCancelled()) timers.add(t); });
        return t;
    }

    void cancelTimer(Timer t) {
        if (inLoop()) {
            timers.remove(t);
        } else if (running) {
            try {
                execute(() -> timers.remove(t));
            } catch (RejectedExecutionException closed) {
                // the loop is gone; so are its timers
            }
        }
    }

    /** Registers a channel (already non-blocking) for the given interest ops. Loop thread only. */
    SelectionKey register(SelectableChannel ch, int ops, IoHandler handler) throws ClosedChannelException {
        requireLoop();
        return ch.register(selector, ops, Objects.requireNonNull(handler));
    }

    /** Adds a listener run at the end of every iteration (after I/O, timers and tasks). Thread-safe. */
    public void addAfterBatch(Runnable listener) { afterBatch.add(Objects.requireNonNull(listener)); }

    public void removeAfterBatch(Runnable listener) { afterBatch.remove(listener); }

    /**
     * Runs the callback once, at the end of the current iteration, after the after-batch
     * listeners; callbacks added while these run still run in this iteration. Loop thread only.
     */
    public void atEndOfIteration(Runnable callback) {
        requireLoop();
        endOfIteration.add(Objects.requireNonNull(callback));
    }

    void requireLoop() {
        if (!inLoop()) throw new IllegalStateException("must be called on event loop thread " + name());
    }

    /**
     * Stops the loop, closes every channel registered with it and the selector, and waits up to
     * 5 s for the thread to end. Called on the loop thread, it stops after the current iteration
     * (a thread cannot wait for itself). Idempotent.
     */
    @Override
    public void close() {
        running = false;
        selector.wakeup();
        if (inLoop()) return;
        try {
            terminated.get(CLOSE_WAIT_MS, TimeUnit.MILLISECONDS);
            thread.join(CLOSE_WAIT_MS);   // terminated completes in the thread's last moments; wait until it has ended
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (Exception e) {
            LOG.log(Level.WARNING, "event loop {0} did not stop within {1} ms", name(), CLOSE_WAIT_MS);
        }
    }

    private void run() {
        try {
            while (running) {
                iterate();
            }
        } catch (Throwable fatal) {
            LOG.log(Level.ERROR, "event loop " + name() + " failed", fatal);
        } finally {
            running = false;
            shutdown();
            terminated.complete(null);
        }
    }

    private void iterate() throws IOException {
        long timeoutNanos = nanosToNextTimer();
        selecting.set(true);
        if (!tasks.isEmpty() || timeoutNanos == 0 || !running) {
            selecting.set(false);
            selector.selectNow(this::dispatch);
        } else if (timeoutNanos < 0) {
            selector.select(this::dispatch);
        } else {
            // select(0) would mean "forever": round sub-millisecond waits up to 1 ms
            selector.select(this::dispatch, Math.max(1, TimeUnit.NANOSECONDS.toMillis(timeoutNanos + 999_999)));
        }
        selecting.set(false);
        runTimers();
        runTasks();
        for (Runnable l : afterBatch) safely(l);
        Runnable cb;
        while ((cb = endOfIteration.poll()) != null) safely(cb);
    }

    /** -1: no timers; 0: one is due; else nanoseconds until the earliest. */
    private long nanosToNextTimer() {
        Timer t = timers.peek();
        if (t == null) return -1;
        return Math.max(0, t.deadline - System.nanoTime());
    }

    private void dispatch(SelectionKey key) {
        IoHandler h = (IoHandler) key.attachment();
        try {
            h.ready(key);
        } catch (Throwable e) {
            if (e instanceof VirtualMachineError vme) throw vme;
            errors.incrementAndGet();
            LOG.log(Level.WARNING, "I/O handler failed on " + name() + "; closing its channel", e);
            key.cancel();
            try { key.channel().close(); } catch (IOException ignored) { /* closing anyway */ }
        }
    }

    private void runTimers() {
        long now = System.nanoTime();
        Timer t;
        while ((t = timers.peek()) != null && t.deadline - now <= 0) {
            timers.poll();
            if (!t.isCancelled()) safely(t.task);
        }
    }

    private void runTasks() {
        for (int i = 0; i < MAX_TASKS_PER_ITERATION; i++) {
            Runnable r = tasks.poll();
            if (r == null) return;
            safely(r);
        }
    }

    private void safely(Runnable r) {
        try {
            r.run();
        } catch (Throwable e) {
            if (e instanceof VirtualMachineError vme) throw vme;
            errors.incrementAndGet();
            LOG.log(Level.WARNING, "task failed on event loop " + name(), e);
        }
    }

    private void shutdown() {
        for (SelectionKey key : new java.util.ArrayList<>(selector.keys())) {
            try { key.channel().close(); } catch (IOException ignored) { /* best effort */ }
        }
        try { selector.close(); } catch (IOException ignored) { /* best effort */ }
        timers.clear();
        tasks.clear();
        endOfIteration.clear();
    }
}
