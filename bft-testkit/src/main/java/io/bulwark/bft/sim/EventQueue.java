package io.bulwark.bft.sim;

import java.util.Arrays;

/**
 * Simulated time: events ordered by time (µs), ties broken by insertion order, so runs replay exactly.
 * <p>
 * A binary min-heap keyed by (time, insertion order): the same total order as a {@code PriorityQueue}
 * of (time, order) entries, without an entry object and a virtual {@code compareTo} per comparison.
 * Keys are unique, so the order events run in is fully determined. A node's time and order sit side
 * by side in one array ({@code keys[2i]}, {@code keys[2i + 1]}), so a comparison reads one cache line:
 * the queue holds a few thousand events and runs millions per campaign.
 */
final class EventQueue {
    private long[] keys = new long[2 * 1024];
    private Runnable[] actions = new Runnable[1024];
    private int size;
    private long now;
    private long order;

    long now() { return now; }

    void at(long time, Runnable action) {
        if (size == actions.length) grow();
        long t = Math.max(time, now);
        long o = order++;
        long[] k = keys;
        // Sift up.
        int i = size++;
        while (i > 0) {
            int parent = (i - 1) >>> 1;
            long pt = k[2 * parent];
            if (pt < t || (pt == t && k[2 * parent + 1] < o)) break;
            k[2 * i] = pt;
            k[2 * i + 1] = k[2 * parent + 1];
            actions[i] = actions[parent];
            i = parent;
        }
        k[2 * i] = t;
        k[2 * i + 1] = o;
        actions[i] = action;
    }

    void after(long delay, Runnable action) { at(now + delay, action); }

    /** Runs the next event; false when there is none or it lies beyond {@code limit}. */
    boolean step(long limit) {
        if (size == 0 || keys[0] > limit) return false;
        long time = keys[0];
        Runnable action = actions[0];
        removeTop();
        now = time;
        action.run();
        return true;
    }

    int size() { return size; }

    private void removeTop() {
        int last = --size;
        long[] k = keys;
        long t = k[2 * last];
        long o = k[2 * last + 1];
        Runnable a = actions[last];
        actions[last] = null;
        if (last == 0) return;
        // Sift the former last element down from the root.
        int i = 0;
        int half = last >>> 1;
        while (i < half) {
            int c = 2 * i + 1;
            int r = c + 1;
            long ct = k[2 * c];
            long co = k[2 * c + 1];
            if (r < last) {
                long rt = k[2 * r];
                if (rt < ct || (rt == ct && k[2 * r + 1] < co)) { c = r; ct = rt; co = k[2 * r + 1]; }
            }
            if (t < ct || (t == ct && o < co)) break;
            k[2 * i] = ct;
            k[2 * i + 1] = co;
            actions[i] = actions[c];
            i = c;
        }
        k[2 * i] = t;
        k[2 * i + 1] = o;
        actions[i] = a;
    }

    private void grow() {
        int cap = actions.length * 2;
        keys = Arrays.copyOf(keys, 2 * cap);
        actions = Arrays.copyOf(actions, cap);
    }
}
