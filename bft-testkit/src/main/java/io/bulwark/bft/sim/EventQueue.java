package io.bulwark.bft.sim;

import java.util.Arrays;

/**
 * Simulated time: events ordered by time (µs), ties broken by insertion order, so runs replay exactly.
 * <p>
 * A binary min-heap on parallel arrays keyed by (time, insertion order): the same total order as a
 * {@code PriorityQueue} of (time, order) entries, without an entry object and a virtual
 * {@code compareTo} per comparison. Keys are unique, so the order events run in is fully determined.
 */
final class EventQueue {
    private long[] times = new long[1024];
    private long[] orders = new long[1024];
    private Runnable[] actions = new Runnable[1024];
    private int size;
    private long now;
    private long order;

    long now() { return now; }

    void at(long time, Runnable action) {
        if (size == times.length) grow();
        long t = Math.max(time, now);
        long o = order++;
        // Sift up.
        int i = size++;
        while (i > 0) {
            int parent = (i - 1) >>> 1;
            long pt = times[parent];
            if (pt < t || (pt == t && orders[parent] < o)) break;
            times[i] = pt;
            orders[i] = orders[parent];
            actions[i] = actions[parent];
            i = parent;
        }
        times[i] = t;
        orders[i] = o;
        actions[i] = action;
    }

    void after(long delay, Runnable action) { at(now + delay, action); }

    /** Runs the next event; false when there is none or it lies beyond {@code limit}. */
    boolean step(long limit) {
        if (size == 0 || times[0] > limit) return false;
        long time = times[0];
        Runnable action = actions[0];
        removeTop();
        now = time;
        action.run();
        return true;
    }

    int size() { return size; }

    private void removeTop() {
        int last = --size;
        long t = times[last];
        long o = orders[last];
        Runnable a = actions[last];
        actions[last] = null;
        if (last == 0) return;
        // Sift the former last element down from the root.
        int i = 0;
        int half = last >>> 1;
        while (i < half) {
            int c = 2 * i + 1;
            int r = c + 1;
            if (r < last && (times[r] < times[c] || (times[r] == times[c] && orders[r] < orders[c]))) c = r;
            long ct = times[c];
            if (t < ct || (t == ct && o < orders[c])) break;
            times[i] = ct;
            orders[i] = orders[c];
            actions[i] = actions[c];
            i = c;
        }
        times[i] = t;
        orders[i] = o;
        actions[i] = a;
    }

    private void grow() {
        int cap = times.length * 2;
        times = Arrays.copyOf(times, cap);
        orders = Arrays.copyOf(orders, cap);
        actions = Arrays.copyOf(actions, cap);
    }
}
