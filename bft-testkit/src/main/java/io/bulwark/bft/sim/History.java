package io.bulwark.bft.sim;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * A client history: for each operation, the client, the partition it belongs to (a key: the checker
 * checks each key on its own, P-compositionality), what was asked and what came back, and when.
 * <p>
 * Real-time order is exact: every invocation and every completion takes the next tick of one logical
 * clock, in the order the simulator runs them, so operation a precedes b exactly when a completed
 * before b was invoked — even in the same simulated microsecond (a client that starts its next
 * operation as its last one completes is never taken for concurrent with itself). The simulated
 * times (µs) are kept for witnesses.
 */
public final class History {
    /** The completion tick of an operation still pending. */
    public static final long PENDING = Long.MAX_VALUE;

    /** One operation. {@code output} is null while pending. */
    public static final class Op {
        public final int client;
        public final int key;
        public final Object input;
        public final long invoke;
        public final long invokeUs;
        Object output;
        long complete = PENDING;
        long completeUs = -1;

        Op(int client, int key, Object input, long invoke, long invokeUs) {
            this.client = client;
            this.key = key;
            this.input = input;
            this.invoke = invoke;
            this.invokeUs = invokeUs;
        }

        public Object output() { return output; }

        public long complete() { return complete; }

        public long completeUs() { return completeUs; }

        public boolean pending() { return complete == PENDING; }

        @Override public String toString() {
            return "client " + client + " key " + key + " " + input + " -> " + (pending() ? "pending" : output)
                    + " [invoked " + invokeUs + " µs (tick " + invoke + "), "
                    + (pending() ? "never completed" : "completed " + completeUs + " µs (tick " + complete + ")") + "]";
        }
    }

    private final List<Op> ops = new ArrayList<>();
    private long tick;

    /** Records the invocation of {@code input} on {@code key} by {@code client} at simulated time {@code nowUs}. */
    public Op invoke(int client, int key, Object input, long nowUs) {
        Op op = new Op(client, key, input, ++tick, nowUs);
        ops.add(op);
        return op;
    }

    /** Records that {@code op} completed with {@code output} at simulated time {@code nowUs}. */
    public void complete(Op op, Object output, long nowUs) {
        if (!op.pending()) throw new IllegalStateException("completed twice: " + op);
        if (output == null) throw new IllegalArgumentException("a completed operation has an output");
        op.output = output;
        op.complete = ++tick;
        op.completeUs = nowUs;
    }

    public List<Op> ops() { return Collections.unmodifiableList(ops); }
}
