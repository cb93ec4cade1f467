package io.bulwark.bft.net;

import io.bulwark.bft.testkit.Await;
import static org.junit.jupiter.api.Assertions.*;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(60)
class EventLoopTest {
    private final EventLoop loop = EventLoop.start("test-loop-" + System.nanoTime());

    @AfterEach
    void tearDown() { loop.close(); }

    @Test
    void executeRunsOnTheLoopThread() throws Exception {
        assertFalse(loop.inLoop());
        assertTrue(loop.submit(loop::inLoop).get(5, TimeUnit.SECONDS));
    }

    /**
     * Timers fire in the order of their deadlines, not of scheduling. The expected order comes from
     * the deadlines the loop actually assigned: on a loaded machine the thread may pause between two
     * schedule calls (once: "c" at +30 ms was due before "a", scheduled 25 ms later at +10 ms), and a
     * test must not fail because the machine was slow.
     */
    @Test
    void timersFireInDeadlineOrderAndCancelWorks() throws Exception {
        List<String> fired = Collections.synchronizedList(new ArrayList<>());
        CountDownLatch done = new CountDownLatch(4);
        List<String> names = List.of("c", "a", "b1", "b2");
        List<Timer> timers = loop.submit(() -> {
            long ms = 1_000_000L;
            List<Timer> t = new ArrayList<>();
            t.add(loop.schedule(30 * ms, () -> { fired.add("c"); done.countDown(); }));
            t.add(loop.schedule(10 * ms, () -> { fired.add("a"); done.countDown(); }));
            Timer cancelled = loop.schedule(15 * ms, () -> fired.add("cancelled"));
            t.add(loop.schedule(20 * ms, () -> { fired.add("b1"); done.countDown(); }));
            t.add(loop.schedule(20 * ms, () -> { fired.add("b2"); done.countDown(); }));   // a deadline tie would go FIFO
            cancelled.cancel();
            return t;
        }).get(5, TimeUnit.SECONDS);
        assertTrue(done.await(5, TimeUnit.SECONDS));
        List<Integer> order = new ArrayList<>(List.of(0, 1, 2, 3));
        order.sort(java.util.Comparator.comparingLong(i -> timers.get(i).deadlineNanos()));   // stable: ties keep scheduling order
        List<String> expected = order.stream().map(names::get).toList();
        assertEquals(expected, fired);
        // In the usual case (no pause of 5 ms or more between the calls) that is a, b1, b2, c.
        assertTrue(timers.get(1).deadlineNanos() < timers.get(2).deadlineNanos(), "a is due before b1 whatever the pauses");
    }

    @Test
    void equalDeadlinesRunInScheduleOrder() throws Exception {
        List<Integer> fired = Collections.synchronizedList(new ArrayList<>());
        CountDownLatch done = new CountDownLatch(100);
        loop.submit(() -> {
            for (int i = 0; i < 100; i++) {
                int k = i;
                loop.schedule(0, () -> { fired.add(k); done.countDown(); });
            }
            return null;
        }).get(5, TimeUnit.SECONDS);
        assertTrue(done.await(5, TimeUnit.SECONDS));
        for (int i = 0; i < 100; i++) assertEquals(i, fired.get(i));
    }

    @Test
    void cancelFromAnotherThreadAndManyCancelsKeepHeapSmall() throws Exception {
        CountDownLatch fired = new CountDownLatch(1);
        Timer t = loop.schedule(TimeUnit.MILLISECONDS.toNanos(20), () -> fired.countDown());
        t.cancel();
        CountDownLatch later = new CountDownLatch(1);
        loop.schedule(TimeUnit.MILLISECONDS.toNanos(40), later::countDown);
        assertTrue(later.await(5, TimeUnit.SECONDS));
        assertEquals(1, fired.getCount(), "cancelled timer must not fire");
        assertTrue(t.isCancelled());
    }

    @Test
    void timerHeapRemovesArbitraryEntries() {
        TimerHeap h = new TimerHeap();
        List<Timer> all = new ArrayList<>();
        java.util.Random rnd = new java.util.Random(42);
        for (int i = 0; i < 1000; i++) {
            Timer t = new Timer(loop, rnd.nextInt(500), i, () -> { });
            all.add(t);
            h.add(t);
        }
        for (int i = 0; i < 1000; i += 3) h.remove(all.get(i));
        long lastDeadline = Long.MIN_VALUE;
        long lastSeq = -1;
        int n = 0;
        Timer t;
        while ((t = h.poll()) != null) {
            assertTrue(t.seq % 3 != 0, "removed timer came out");
            assertTrue(t.deadline > lastDeadline || (t.deadline == lastDeadline && t.seq > lastSeq), "heap order");
            lastDeadline = t.deadline;
            lastSeq = t.seq;
            n++;
        }
        assertEquals(1000 - 334, n);
    }

    @Test
    void failingTaskIsCountedAndTheLoopGoesOn() throws Exception {
        loop.execute(() -> { throw new IllegalStateException("boom (expected by test)"); });
        loop.schedule(0, () -> { throw new IllegalStateException("timer boom (expected by test)"); });
        Await.until("errors counted", () -> loop.errorCount() == 2);
        assertEquals(7, loop.submit(() -> 7).get(5, TimeUnit.SECONDS));
    }

    @Test
    void afterBatchAndEndOfIterationRunAfterTasks() throws Exception {
        List<String> order = Collections.synchronizedList(new ArrayList<>());
        CountDownLatch done = new CountDownLatch(1);
        Runnable listener = () -> order.add("afterBatch");
        loop.submit(() -> {
            loop.addAfterBatch(listener);
            loop.execute(() -> {
                order.add("task");
                loop.atEndOfIteration(() -> {
                    order.add("end");
                    loop.atEndOfIteration(() -> { order.add("end2"); done.countDown(); });
                });
            });
            return null;
        }).get(5, TimeUnit.SECONDS);
        assertTrue(done.await(5, TimeUnit.SECONDS));
        loop.removeAfterBatch(listener);
        int i = order.indexOf("task");
        assertEquals(List.of("task", "afterBatch", "end", "end2"), order.subList(i, i + 4));
    }

    @Test
    void loopThreadOnlyMethodsRefuseOtherThreads() {
        assertThrows(IllegalStateException.class, () -> loop.atEndOfIteration(() -> { }));
    }

    @Test
    void closeStopsTheThreadAndRejectsTasks() throws Exception {
        String name = loop.name();
        assertTrue(threadAlive(name));
        loop.close();
        assertTrue(loop.isTerminated());
        assertFalse(threadAlive(name));
        assertThrows(RejectedExecutionException.class, () -> loop.execute(() -> { }));
        loop.close(); // idempotent
    }

    @Test
    void closeFromInsideTheLoop() {
        String name = loop.name();
        loop.execute(loop::close);
        Await.until("loop terminated", loop::isTerminated);
        Await.until("thread gone", () -> !threadAlive(name));
    }

    @Test
    void idleLoopIsWokenForTasksFromOtherThreads() throws Exception {
        // the loop blocks in select with no timers; a task from outside must still run promptly
        for (int i = 0; i < 100; i++) {
            CountDownLatch ran = new CountDownLatch(1);
            loop.execute(ran::countDown);
            assertTrue(ran.await(5, TimeUnit.SECONDS));
        }
        assertTrue(loop.wakeupCount() <= 100);
    }

    @Test
    void busyLoopIsNotWokenAgain() throws Exception {
        CountDownLatch inTask = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        loop.execute(() -> {
            inTask.countDown();
            try { release.await(5, TimeUnit.SECONDS); } catch (InterruptedException e) { Thread.currentThread().interrupt(); }
        });
        assertTrue(inTask.await(5, TimeUnit.SECONDS));
        long before = loop.wakeupCount();
        CountDownLatch ran = new CountDownLatch(1000);
        for (int i = 0; i < 1000; i++) loop.execute(ran::countDown);
        assertEquals(before, loop.wakeupCount(), "no selector wake-up while the loop is running tasks");
        release.countDown();
        assertTrue(ran.await(5, TimeUnit.SECONDS));
    }

    static boolean threadAlive(String name) {
        return Thread.getAllStackTraces().keySet().stream().anyMatch(t -> t.getName().equals(name) && t.isAlive());
    }
}
