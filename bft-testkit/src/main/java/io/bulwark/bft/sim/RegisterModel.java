package io.bulwark.bft.sim;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * The key-value service as the checker sees one key: a register of unique values (0: absent).
 * Inputs are {@link Write} or {@link #READ}; a read's output is the value it observed (a Long).
 */
public final class RegisterModel implements Model<Long> {
    public static final RegisterModel INSTANCE = new RegisterModel();

    /** Writes {@code value} (unique per run, so a read names the write it saw). */
    public record Write(long value) {
        @Override public String toString() { return "write " + value; }
    }

    /** The input of a read. */
    public static final Object READ = new Object() {
        @Override public String toString() { return "read"; }
    };

    private RegisterModel() {}

    @Override public Long init() { return 0L; }

    @Override public Long step(Long state, Object input, Object output) {
        // A write answers OK (0) when it completes.
        if (input instanceof Write w) return output == null || output.equals(0L) ? w.value() : null;
        return output == null || output.equals(state) ? state : null;
    }

    @Override public boolean readOnly(Object input) { return input == READ; }

    /**
     * Drops the reads whose value was written by an operation of {@code all} not kept. With unique
     * values a read's write is the last write before it in any linearization, so restricting a
     * linearization to a subset that keeps each read's write keeps every read right.
     */
    @Override public List<History.Op> closure(List<History.Op> kept, List<History.Op> all) {
        Set<Long> writesKept = new HashSet<>(), writesAll = new HashSet<>();
        for (History.Op op : all) if (op.input instanceof Write w) writesAll.add(w.value());
        for (History.Op op : kept) if (op.input instanceof Write w) writesKept.add(w.value());
        List<History.Op> out = new ArrayList<>();
        for (History.Op op : kept) {
            if (op.input == READ && op.output() instanceof Long v && writesAll.contains(v) && !writesKept.contains(v)) continue;
            out.add(op);
        }
        return out;
    }
}
