package io.bulwark.bft.core;

import io.bulwark.bft.crypto.Digest;
import io.bulwark.bft.msg.MessageCodec;
import io.bulwark.bft.service.PagedState;
import io.bulwark.bft.state.ReplicatedState;
import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.Map;
import java.util.TreeMap;

/**
 * The last reply per client (section 4.2: exactly once, by timestamp), and the agreed time, as part
 * of the replicated state: at every checkpoint the table is written, sorted by client, into the
 * engine's pages of the {@link ReplicatedState}, so it is digested with the service's pages and a
 * replica brought up to date by state transfer reads it back ({@link #read}). Only pages whose bytes
 * change are modified.
 * <p>
 * Page layout: [i32 magic][i64 agreed time][i32 count] count * ([i32 client][i64 timestamp][32 reply
 * digest][u16 result length, 0xFFFF: not kept][result]), clients strictly increasing; the rest zero.
 * All-zero pages are the empty table. Results up to {@link ReplicatedState#INLINE_RESULT_BYTES} are
 * kept: a replica that restored or fetched the state answers a retransmission in full.
 */
final class ClientTable {
    private static final int MAGIC = 0x42435432;   // "BCT2"
    private static final int NOT_KEPT = 0xFFFF;
    private static final int MIN_ENTRY_BYTES = 4 + 8 + Digest.LENGTH + 2;

    private final TreeMap<Integer, CachedReply> replies = new TreeMap<>();
    /** Clients' entries (ids n and up) this table holds at most; the replicas' own (recovery requests) come on top. */
    private final int capacity;
    private final int n;

    ClientTable(int capacity, int n) {
        if (n > ReplicatedState.MAX_REPLICAS) throw new IllegalArgumentException(n + " replicas");
        this.capacity = capacity;
        this.n = n;
    }

    CachedReply get(int client) { return replies.get(client); }

    /**
     * False when the table is full and {@code client} is new: its request must not execute (the same
     * at every replica). A replica (its recovery request, section 4.4) always has room.
     */
    boolean admits(int client) {
        if (client < n || replies.containsKey(client)) return true;
        return replies.size() - replies.headMap(n).size() < capacity;   // headMap: at most n entries to count
    }

    void put(int client, long timestamp, byte[] result) { replies.put(client, new CachedReply(timestamp, result, null)); }

    int size() { return replies.size(); }

    /** Writes the table and {@code agreedTime} into {@code pages}, modifying only pages that change. */
    void write(PagedState pages, long agreedTime) {
        int size = ReplicatedState.ENGINE_HEADER_BYTES;
        for (CachedReply c : replies.values()) size += ReplicatedState.CLIENT_ENTRY_BYTES - ReplicatedState.INLINE_RESULT_BYTES + (kept(c) ? c.result().length : 0);
        if (size > (long) pages.pageCount() * pages.pageSize())
            throw new IllegalStateException("client table of " + replies.size() + " entries does not fit the engine's pages");
        ByteBuffer b = ByteBuffer.allocate(size);
        b.putInt(MAGIC).putLong(agreedTime).putInt(replies.size());
        for (Map.Entry<Integer, CachedReply> e : replies.entrySet()) {
            CachedReply c = e.getValue();
            if (c.digest() == null) e.setValue(c = new CachedReply(c.timestamp(), c.result(), MessageCodec.resultDigest(c.result())));
            b.putInt(e.getKey()).putLong(c.timestamp()).put(c.digest().bytes());
            if (kept(c)) b.putShort((short) c.result().length).put(c.result());
            else b.putShort((short) NOT_KEPT);
        }
        byte[] bytes = b.array();
        int pageSize = pages.pageSize();
        for (int p = 0; p < pages.pageCount(); p++) {
            int from = Math.min(p * pageSize, size);   // pages past the table's end compare as empty
            int len = Math.max(0, Math.min(pageSize, size - from));
            byte[] current = pages.read(p);
            boolean same = Arrays.equals(current, 0, len, bytes, from, from + len);
            for (int i = len; same && i < pageSize; i++) same = current[i] == 0;
            if (same) continue;
            byte[] page = pages.modify(p);
            System.arraycopy(bytes, from, page, 0, len);
            Arrays.fill(page, len, pageSize, (byte) 0);
        }
    }

    private static boolean kept(CachedReply c) { return c.result() != null && c.result().length <= ReplicatedState.INLINE_RESULT_BYTES; }

    /**
     * The table held in {@code pages} (after a state transfer or a restart), replacing this one;
     * returns the agreed time. Larger results are not in the state, only their digests: a
     * retransmitted request is answered with the digest (the client gets the full result from a
     * replica that executed it).
     */
    long read(PagedState pages) {
        int pageSize = pages.pageSize();
        byte[] all = new byte[pages.pageCount() * pageSize];
        for (int p = 0; p < pages.pageCount(); p++) System.arraycopy(pages.read(p), 0, all, p * pageSize, pageSize);
        ByteBuffer b = ByteBuffer.wrap(all);
        replies.clear();
        int magic = b.getInt();
        if (magic == 0) return 0;   // the initial state
        if (magic != MAGIC) throw new IllegalStateException("engine pages do not hold a client table");
        long agreedTime = b.getLong();
        int count = b.getInt();
        if (count < 0 || count > capacity + n || count > (all.length - ReplicatedState.ENGINE_HEADER_BYTES) / MIN_ENTRY_BYTES)
            throw new IllegalStateException("client table with " + count + " entries");
        int last = Integer.MIN_VALUE;
        for (int i = 0; i < count; i++) {
            int client = b.getInt();
            long ts = b.getLong();
            byte[] d = new byte[Digest.LENGTH];
            b.get(d);
            int len = b.getShort() & 0xFFFF;
            byte[] result = null;
            if (len != NOT_KEPT) {
                if (len > ReplicatedState.INLINE_RESULT_BYTES || len > b.remaining()) throw new IllegalStateException("client table entry " + i + " with a result of " + len + " bytes");
                result = new byte[len];
                b.get(result);
            }
            if (client <= last || ts < 0) throw new IllegalStateException("client table out of order at entry " + i);
            if (client < 0 || (client < n && (result == null || result.length > ReplicatedState.REPLICA_RESULT_BYTES)))
                throw new IllegalStateException("client table entry " + i + " of replica " + client + " is not a recovery result");
            last = client;
            replies.put(client, new CachedReply(ts, result, new Digest(d)));
        }
        return agreedTime;
    }
}
