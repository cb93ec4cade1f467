package io.bulwark.bft.net;

import java.util.Arrays;

/**
 * A binary min-heap of timers by deadline (then insertion order), with O(log n) removal so that
 * cancelled timers do not pile up: the protocol resets timers constantly (view-change timer on
 * every request), and lazy deletion would let the heap grow with the request rate.
 * Loop thread only.
 */
final class TimerHeap {
    private Timer[] heap = new Timer[16];
    private int size;

    int size() { return size; }

    Timer peek() { return size == 0 ? null : heap[0]; }

    void add(Timer t) {
        if (t.heapIndex >= 0) return;
        if (size == heap.length) heap = Arrays.copyOf(heap, size * 2);
        heap[size] = t;
        t.heapIndex = size;
        siftUp(size++);
    }

    Timer poll() {
        if (size == 0) return null;
        Timer top = heap[0];
        removeAt(0);
        return top;
    }

    void remove(Timer t) {
        int i = t.heapIndex;
        if (i < 0 || i >= size || heap[i] != t) return;
        removeAt(i);
    }

    void clear() {
        for (int i = 0; i < size; i++) { heap[i].heapIndex = -1; heap[i] = null; }
        size = 0;
    }

    private void removeAt(int i) {
        Timer gone = heap[i];
        gone.heapIndex = -1;
        int last = --size;
        if (i != last) {
            Timer moved = heap[last];
            heap[i] = moved;
            moved.heapIndex = i;
            heap[last] = null;
            siftDown(i);
            if (heap[i] == moved) siftUp(i);
        } else {
            heap[last] = null;
        }
    }

    private static boolean before(Timer a, Timer b) {
        long d = a.deadline - b.deadline; // overflow-safe nanoTime comparison
        return d < 0 || (d == 0 && a.seq < b.seq);
    }

    private void siftUp(int i) {
        Timer t = heap[i];
        while (i > 0) {
            int p = (i - 1) >>> 1;
            Timer parent = heap[p];
            if (!before(t, parent)) break;
            heap[i] = parent;
            parent.heapIndex = i;
            i = p;
        }
        heap[i] = t;
        t.heapIndex = i;
    }

    private void siftDown(int i) {
        Timer t = heap[i];
        int half = size >>> 1;
        while (i < half) {
            int c = 2 * i + 1;
            int r = c + 1;
            if (r < size && before(heap[r], heap[c])) c = r;
            if (!before(heap[c], t)) break;
            heap[i] = heap[c];
            heap[i].heapIndex = i;
            i = c;
        }
        heap[i] = t;
        t.heapIndex = i;
    }
}
