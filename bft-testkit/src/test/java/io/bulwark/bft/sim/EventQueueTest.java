package io.bulwark.bft.sim;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.PriorityQueue;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * The event queue is what makes a seed replay exactly: it must run events in (time, insertion order),
 * the order a {@code PriorityQueue} of such entries gives, through growth and with events scheduled
 * while others run.
 */
class EventQueueTest {
    private record Expected(long time, long order, int id) {}

    @Test
    void runsEventsInTheOrderOfAReferencePriorityQueue() {
        for (long seed = 1; seed <= 20; seed++) {
            Random rnd = new Random(seed);
            EventQueue q = new EventQueue();
            PriorityQueue<Expected> reference = new PriorityQueue<>(
                    Comparator.comparingLong(Expected::time).thenComparingLong(Expected::order));
            List<Integer> ran = new ArrayList<>();
            long[] order = {0};
            // Many ties (times drawn from a small range) and more events than the initial capacity.
            int[] nextId = {0};
            Runnable[] schedule = new Runnable[1];
            schedule[0] = () -> {
                int id = nextId[0]++;
                long time = q.now() + rnd.nextInt(50);
                reference.add(new Expected(time, order[0]++, id));
                q.at(time, () -> {
                    ran.add(id);
                    // Each event schedules up to two more while the total stays bounded.
                    if (nextId[0] < 20_000) for (int k = rnd.nextInt(3); k > 0; k--) schedule[0].run();
                });
            };
            for (int k = 0; k < 3_000; k++) schedule[0].run();
            List<Integer> expected = new ArrayList<>();
            while (q.step(Long.MAX_VALUE)) {
                // The reference sees the same schedule calls, in the same order, so it stays in step.
                expected.add(reference.poll().id());
            }
            assertTrue(reference.isEmpty(), "seed " + seed + ": the reference has events the queue did not run");
            assertEquals(expected, ran, "seed " + seed);
            assertEquals(0, q.size());
        }
    }

    @Test
    void anEventInThePastRunsNowAfterThoseAlreadyDue() {
        EventQueue q = new EventQueue();
        List<String> ran = new ArrayList<>();
        q.at(100, () -> {
            ran.add("a@" + q.now());
            q.at(5, () -> ran.add("late@" + q.now()));    // in the past: clamped to now, after b (inserted earlier)
        });
        q.at(100, () -> ran.add("b@" + q.now()));
        q.at(200, () -> ran.add("c@" + q.now()));
        assertFalse(q.step(99), "nothing is due before 100");
        while (q.step(150)) { }
        assertEquals(List.of("a@100", "b@100", "late@100"), ran);
        assertTrue(q.step(Long.MAX_VALUE));
        assertEquals("c@200", ran.get(3));
    }
}
