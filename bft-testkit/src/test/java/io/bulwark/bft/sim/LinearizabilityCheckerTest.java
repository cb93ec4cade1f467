package io.bulwark.bft.sim;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * The checker must reject known-bad register histories and accept tricky good ones. Histories are
 * written as events in real order through {@link History}, so "a precedes b" means exactly that a's
 * completion was recorded before b's invocation.
 */
class LinearizabilityCheckerTest {
    private final History h = new History();
    private long us;

    private History.Op write(int client, int key, long value) { return h.invoke(client, key, new RegisterModel.Write(value), us++); }

    private History.Op read(int client, int key) { return h.invoke(client, key, RegisterModel.READ, us++); }

    private void ok(History.Op op) { h.complete(op, 0L, us++); }

    private void saw(History.Op op, long value) { h.complete(op, value, us++); }

    private LinearizabilityChecker.Result check() { return LinearizabilityChecker.check(h.ops(), RegisterModel.INSTANCE); }

    private void assertRejected(int witnessSize) {
        LinearizabilityChecker.Result r = check();
        assertFalse(r.linearizable(), "a bad history was accepted");
        assertEquals(1, r.violations().size());
        System.out.println(r.violations().get(0).describe());
        assertEquals(witnessSize, r.violations().get(0).witness().size(), "a minimal witness: " + r.violations().get(0).describe());
        String text = r.violations().get(0).describe();
        assertTrue(text.contains("invoked") && text.contains("completed") && text.contains("client "), "the witness names clients and times: " + text);
    }

    @Test
    void staleReadAfterACompletedWriteIsRejected() {
        var w1 = write(1, 0, 10); ok(w1);
        var w2 = write(1, 0, 20); ok(w2);
        var r = read(2, 0); saw(r, 10);
        assertRejected(3);
    }

    @Test
    void lostWriteIsRejected() {
        // The write completed, yet a later read finds the key absent.
        var w = write(1, 0, 10); ok(w);
        var r = read(2, 0); saw(r, 0);
        assertRejected(2);
    }

    @Test
    void reorderedWritesAreRejected() {
        // Two sequential writes; a later read sees the first, then another sees the second... and a third the first again.
        var w1 = write(1, 0, 10); ok(w1);
        var w2 = write(2, 0, 20); ok(w2);
        var r1 = read(3, 0); saw(r1, 20);
        var r2 = read(3, 0); saw(r2, 10);
        assertRejected(3);   // w1, w2 and the read of 10; the read of 20 is not needed
    }

    @Test
    void readOfANeverWrittenValueIsRejected() {
        var w = write(1, 0, 10);
        var r = read(2, 0); saw(r, 99);
        ok(w);
        assertRejected(1);
    }

    @Test
    void sameClientTieIsNotConcurrency() {
        // A client's read begins in the very microsecond its write completed: still strictly after it.
        var w1 = write(1, 0, 10); ok(w1);
        us--;   // same simulated time as the completion
        var w2 = write(1, 0, 20);
        h.complete(w2, 0L, us);
        var r = read(1, 0);
        h.complete(r, 10L, us);
        assertEquals(w2.completeUs(), r.invokeUs, "the same microsecond");
        assertRejected(3);
    }

    @Test
    void concurrentOperationsMayTakeEffectInEitherOrder() {
        // w1 and w2 overlap; readers that overlap both may see either, but once one read saw w2 after
        // both completed, a later read may not see w1 again.
        var w1 = write(1, 0, 10);
        var w2 = write(2, 0, 20);
        var r1 = read(3, 0);
        saw(r1, 20);
        var r2 = read(4, 0);
        ok(w1);
        saw(r2, 10);
        ok(w2);
        assertTrue(check().ok(), "w2 then r1 then w1 then r2");
        // And the other order of completion.
        var r3 = read(5, 0); saw(r3, 10);
        assertTrue(check().ok());
    }

    @Test
    void pendingWritesMayOrMayNotTakeEffect() {
        var w1 = write(1, 0, 10); ok(w1);
        write(2, 0, 20);   // never completes (its client crashed)
        write(3, 0, 30);   // never completes either
        var r1 = read(4, 0); saw(r1, 10);   // not yet
        var r2 = read(4, 0); saw(r2, 30);   // one took effect
        var r3 = read(4, 0); saw(r3, 20);   // the other one, later
        read(5, 0);                         // a pending read says nothing
        assertTrue(check().ok());
        var r4 = read(4, 0); saw(r4, 30);   // but not the first again
        assertFalse(check().linearizable());
    }

    @Test
    void keysAreIndependentAndAllChecked() {
        var a = write(1, 0, 10); ok(a);
        var b = write(1, 1, 11); ok(b);
        var r = read(2, 1); saw(r, 0);      // key 1: a lost write
        var c = write(1, 2, 12); ok(c);
        var d = read(2, 2); saw(d, 10);     // key 2: a value of another key
        LinearizabilityChecker.Result res = check();
        assertEquals(3, res.keys());
        assertEquals(List.of(1, 2), res.violations().stream().map(LinearizabilityChecker.Violation::key).toList());
    }

    @Test
    void budgetExhaustionIsUnknownNotAPass() {
        // Many overlapping writes and reads on one key: more configurations than a budget of 20.
        List<History.Op> open = new ArrayList<>();
        for (int i = 1; i <= 6; i++) open.add(write(i, 0, i));
        List<History.Op> reads = new ArrayList<>();
        for (int i = 0; i < 6; i++) reads.add(read(100 + i, 0));
        for (History.Op w : open) ok(w);
        for (int i = 0; i < 6; i++) saw(reads.get(i), 6 - i);
        var other = write(1, 1, 5); ok(other);
        LinearizabilityChecker.Result tight = LinearizabilityChecker.check(h.ops(), RegisterModel.INSTANCE, 20);
        assertEquals(List.of(0), tight.unknownKeys(), "key 0 is unknown under a tiny budget");
        assertEquals(2, tight.keys(), "key 1 is still checked after key 0 ran out");
        assertTrue(tight.linearizable() && !tight.ok(), "unknown is neither a violation nor a pass");
        assertTrue(check().ok(), "with the default budget it is decided");
    }

    @Test
    void unknownKeysFailTheOutcomeUnlessAllowed() {
        Simulation.Outcome o = new Simulation.Outcome(new Simulation.Options(1, 1, 1, 1, false), 1, 1, List.of(), null, 1, 3, 1,
                "", 0, 0, 0, List.of(), 0, 0, 0, 0, java.util.Map.of(), 0, 0, 0, ScheduleCoverage.NONE);
        assertFalse(o.ok(), "an unknown key fails the run");
        assertTrue(o.ok(true), "unless explicitly allowed");
    }

    /**
     * A long generated history that is linearizable by construction (each operation takes effect at
     * a random point inside its interval, with 8 clients overlapping): the just-in-time search must
     * decide it well within the budget. And the same history with one read's result changed to an
     * older value must be rejected.
     */
    @Test
    void longGeneratedHistoriesAreDecidedAndASingleStaleReadIsFound() {
        SplittableRandom rnd = new SplittableRandom(7);
        int clients = 8;
        History.Op[] current = new History.Op[clients];
        long[] effect = new long[clients];   // the value the op will show when it takes effect
        boolean[] tookEffect = new boolean[clients];
        long register = 0, counter = 0;
        List<History.Op> reads = new ArrayList<>();
        List<Long> olderValues = new ArrayList<>();
        for (int step = 0; step < 6_000; step++) {
            int c = rnd.nextInt(clients);
            if (current[c] == null) {
                current[c] = rnd.nextBoolean() ? write(c, 0, ++counter) : read(c, 0);
                tookEffect[c] = false;
            } else if (!tookEffect[c]) {
                if (current[c].input instanceof RegisterModel.Write w) register = w.value();
                else { effect[c] = register; }
                tookEffect[c] = true;
            } else {
                if (current[c].input == RegisterModel.READ) {
                    saw(current[c], effect[c]);
                    reads.add(current[c]);
                    olderValues.add(register);
                } else ok(current[c]);
                current[c] = null;
            }
        }
        long t0 = System.nanoTime();
        LinearizabilityChecker.Result r = check();
        System.out.printf("%d operations decided in %.1f ms%n", h.ops().size(), (System.nanoTime() - t0) / 1e6);
        assertTrue(r.ok(), "decided and linearizable: " + r);
        // Make one completed read, late in the history, see the value before a completed write it followed.
        History bad = new History();
        List<History.Op> copy = new ArrayList<>();
        for (History.Op op : h.ops()) copy.add(op);
        History.Op victim = null;
        long staleValue = 0;
        for (History.Op op : copy) {
            if (op.input != RegisterModel.READ || op.pending() || (Long) op.output() == 0) continue;
            // An earlier write that completed before this read was invoked and is not what it saw.
            for (History.Op w : copy) {
                if (w.input instanceof RegisterModel.Write x && !w.pending() && w.complete() < op.invoke && x.value() != (Long) op.output()
                        && op.invoke - w.complete() > 200) { victim = op; staleValue = x.value(); }
            }
        }
        assertTrue(victim != null);
        victim.output = staleValue;
        LinearizabilityChecker.Result rb = check();
        assertFalse(rb.linearizable(), "a stale read among 2,000 operations was missed");
        System.out.println(rb.violations().get(0).describe());
        assertTrue(rb.violations().get(0).witness().size() <= 4, "witness shrunk: " + rb.violations().get(0).witness().size());
    }
}
