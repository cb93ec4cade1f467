package io.bulwark.bft.sim;

import java.util.ArrayList;
import java.util.List;

/**
 * The client history of a run on the key-value service: for each operation, its key, kind,
 * the value written or observed, and its invocation and completion times (µs). Values written are
 * unique (numbered), so a read's result names the write it observed; 0 stands for "absent".
 */
final class History {
    /** One operation; {@code complete} is {@link Long#MAX_VALUE} while pending. */
    static final class Op {
        final int key;
        final boolean write;
        final long invoke;
        long complete = Long.MAX_VALUE;
        /** For a write, the value written; for a read, the value observed (0 = absent, -1 = unknown yet). */
        long value;

        Op(int key, boolean write, long invoke, long value) {
            this.key = key;
            this.write = write;
            this.invoke = invoke;
            this.value = value;
        }
    }

    final List<Op> ops = new ArrayList<>();

    Op invoke(int key, boolean write, long time, long value) {
        Op op = new Op(key, write, time, value);
        ops.add(op);
        return op;
    }
}
