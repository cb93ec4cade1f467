package io.bulwark.bft.sim;

import java.util.PriorityQueue;

/** Simulated time: events ordered by time (µs), ties broken by insertion order, so runs replay exactly. */
final class EventQueue {
    private record Entry(long time, long order, Runnable action) implements Comparable<Entry> {
        @Override public int compareTo(Entry o) {
            int c = Long.compare(time, o.time);
            return c != 0 ? c : Long.compare(order, o.order);
        }
    }

    private final PriorityQueue<Entry> queue = new PriorityQueue<>();
    private long now;
    private long order;

    long now() { return now; }

    void at(long time, Runnable action) { queue.add(new Entry(Math.max(time, now), order++, action)); }

    void after(long delay, Runnable action) { at(now + delay, action); }

    /** Runs the next event; false when there is none or it lies beyond {@code limit}. */
    boolean step(long limit) {
        Entry e = queue.peek();
        if (e == null || e.time > limit) return false;
        queue.poll();
        now = e.time;
        e.action.run();
        return true;
    }

    int size() { return queue.size(); }
}
