package io.bulwark.store.xa;

import io.bulwark.store.storage.StorageException;
import io.bulwark.store.tx.Footprint;
import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.nio.BufferUnderflowException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeSet;

/**
 * One XA branch as the replicated state keeps it: its state, its agreed-time deadline (0 for none: a
 * heuristically completed branch waits for {@code forget}), the calls made in it, each with the agreed
 * time and seed it ran with and the SHA-256 of the result it gave, and — once prepared — the footprint
 * its locks stand for. Written by the store itself into the replicated pages, so decoding a record that
 * does not parse is corruption ({@link StorageException}), not a client's error.
 */
record BranchRecord(State state, long deadline, List<Call> calls, Footprint footprint) {
    enum State {
        /** Calls are being recorded; nothing of the state is changed or locked. */
        ACTIVE,
        /** Prepare succeeded: the branch will commit with the results its calls gave; its footprint is locked. */
        PREPARED,
        /** Prepared, then rolled back by the replicas when its deadline passed: reported until forget. */
        HEURISTIC_ROLLBACK,
        /**
         * Active and idle past its bound: rolled back, kept (calls dropped) for one more bound so that its
         * prepare answers XA_RBTIMEOUT rather than XAER_NOTA, which a resource reads as "never called".
         */
        TIMED_OUT
    }

    /** One call of the branch: the request (an application operation's envelope) and what it ran with and gave. */
    record Call(long millis, long seed, byte[] request, byte[] resultDigest) {}

    BranchRecord {
        calls = List.copyOf(calls);
    }

    BranchRecord with(State s, long newDeadline, Footprint fp) { return new BranchRecord(s, newDeadline, calls, fp); }

    BranchRecord plus(Call c, long newDeadline) {
        List<Call> more = new ArrayList<>(calls);
        more.add(c);
        return new BranchRecord(state, newDeadline, more, footprint);
    }

    byte[] encode() {
        try {
            ByteArrayOutputStream bytes = new ByteArrayOutputStream();
            DataOutputStream out = new DataOutputStream(bytes);
            out.writeByte(1);
            out.writeByte(state.ordinal());
            out.writeLong(deadline);
            out.writeInt(calls.size());
            for (Call c : calls) {
                out.writeLong(c.millis());
                out.writeLong(c.seed());
                out.writeInt(c.request().length);
                out.write(c.request());
                out.write(c.resultDigest());
            }
            writeKeys(out, footprint.reads());
            writeKeys(out, footprint.writes());
            out.writeInt(footprint.typeReads().size());
            for (String t : footprint.typeReads()) writeText(out, t);
            return bytes.toByteArray();
        } catch (IOException e) {
            throw new IllegalStateException("in-memory stream", e);
        }
    }

    static BranchRecord decode(byte[] b) {
        try {
            ByteBuffer in = ByteBuffer.wrap(b);
            if (in.get() != 1) throw corrupt("unknown version");
            int s = in.get();
            if (s < 0 || s >= State.values().length) throw corrupt("state " + s);
            long deadline = in.getLong();
            int n = count(in, 12 + 4 + 32);
            List<Call> calls = new ArrayList<>(n);
            for (int i = 0; i < n; i++) {
                long millis = in.getLong(), seed = in.getLong();
                byte[] request = new byte[count(in, 1)];
                in.get(request);
                byte[] digest = new byte[32];
                in.get(digest);
                calls.add(new Call(millis, seed, request, digest));
            }
            TreeSet<Footprint.Key> reads = readKeys(in), writes = readKeys(in);
            TreeSet<String> types = new TreeSet<>();
            for (int i = 0, t = count(in, 2); i < t; i++) types.add(readText(in));
            if (in.hasRemaining()) throw corrupt(in.remaining() + " trailing bytes");
            return new BranchRecord(State.values()[s], deadline, calls, new Footprint(reads, writes, types));
        } catch (BufferUnderflowException | IllegalArgumentException e) {
            throw corrupt("truncated or malformed");
        }
    }

    private static void writeKeys(DataOutputStream out, java.util.Set<Footprint.Key> keys) throws IOException {
        out.writeInt(keys.size());
        for (Footprint.Key k : keys) {
            writeText(out, k.entity());
            out.writeShort(k.id().length);
            out.write(k.id());
        }
    }

    private static TreeSet<Footprint.Key> readKeys(ByteBuffer in) {
        TreeSet<Footprint.Key> keys = new TreeSet<>();
        for (int i = 0, n = count(in, 4); i < n; i++) {
            String entity = readText(in);
            byte[] id = new byte[in.getShort() & 0xffff];
            in.get(id);
            keys.add(new Footprint.Key(entity, id));
        }
        return keys;
    }

    private static void writeText(DataOutputStream out, String s) throws IOException {
        byte[] utf8 = s.getBytes(StandardCharsets.UTF_8);
        out.writeShort(utf8.length);
        out.write(utf8);
    }

    private static String readText(ByteBuffer in) {
        byte[] b = new byte[in.getShort() & 0xffff];
        in.get(b);
        return new String(b, StandardCharsets.UTF_8);
    }

    /** A count that the bytes left can hold (each item at least {@code minItemBytes}). */
    private static int count(ByteBuffer in, int minItemBytes) {
        int n = in.getInt();
        if (n < 0 || (long) n * minItemBytes > in.remaining()) throw corrupt("count " + n + " for " + in.remaining() + " bytes");
        return n;
    }

    private static StorageException corrupt(String why) { return new StorageException("corrupt XA branch record: " + why); }
}
