package io.bulwark.bft.state;

import io.bulwark.bft.service.PagedState;

/**
 * Everything a replica checkpoints, digests and transfers: one {@link PartitionTree} holding the
 * service's pages followed by the engine's own pages (the client table: last timestamp, reply
 * digest and small results per client, and the agreed time). Keeping the engine's part in the tree means a replica
 * brought up to date by state transfer also gets exactly-once semantics right (section 4.2).
 */
public final class ReplicatedState {
    /**
     * Results up to this size are kept in the state with their digest, so that a retransmitted
     * request is answered in full by a replica that restarted from its saved state or fetched it —
     * after a whole group lost power, no replica would otherwise hold a result a client never got.
     */
    public static final int INLINE_RESULT_BYTES = 512;
    /** Most bytes per client in the engine's table: client id, timestamp, reply digest, result length, result. */
    public static final int CLIENT_ENTRY_BYTES = 4 + 8 + 32 + 2 + INLINE_RESULT_BYTES;
    /** Header of the engine's table: magic, agreed time, client count. */
    public static final int ENGINE_HEADER_BYTES = 4 + 8 + 4;
    /**
     * Room for the replicas' own entries besides the clients': a replica's recovery request
     * (section 4.4) is recorded like a client's request, with a result of at most this many bytes.
     */
    public static final int REPLICA_RESULT_BYTES = 32;
    /** Most replicas (n = 3f + 1 <= 64). */
    public static final int MAX_REPLICAS = 64;
    /** Bytes of a replica's entry: id, timestamp, reply digest, result length, result. */
    public static final int REPLICA_ENTRY_BYTES = 4 + 8 + 32 + 2 + REPLICA_RESULT_BYTES;

    private final PartitionTree tree;
    private final PagedState service;
    private final PagedState engine;
    private final int maxClients;

    /**
     * @param servicePages pages the service gets
     * @param maxClients   most clients whose last reply the engine remembers (the configured clients)
     */
    public ReplicatedState(int servicePages, int maxClients) { this(servicePages, maxClients, null); }

    /** The same over {@code tree} (a saved state loaded back), which must have exactly {@link #totalPages} pages; null: a fresh tree. */
    public ReplicatedState(int servicePages, int maxClients, PartitionTree tree) {
        if (servicePages < 1) throw new IllegalArgumentException("the service needs at least one page");
        if (maxClients < 1) throw new IllegalArgumentException("at least one client");
        int total = totalPages(servicePages, maxClients);
        if (tree != null && tree.pageCount() != total)
            throw new IllegalArgumentException("a saved state of " + tree.pageCount() + " pages, but " + servicePages + " service pages and "
                    + maxClients + " clients need " + total);
        int enginePages = total - servicePages;
        this.tree = tree != null ? tree : new PartitionTree(total);
        this.service = new PagedState(this.tree, 0, servicePages);
        this.engine = new PagedState(this.tree, servicePages, enginePages);
        this.maxClients = maxClients;
    }

    /** Pages of the whole state: the service's and the engine's (the client table). */
    public static int totalPages(int servicePages, int maxClients) {
        long engineBytes = ENGINE_HEADER_BYTES + (long) maxClients * CLIENT_ENTRY_BYTES + (long) MAX_REPLICAS * REPLICA_ENTRY_BYTES;
        long enginePages = (engineBytes + PartitionTree.PAGE_SIZE - 1) / PartitionTree.PAGE_SIZE;
        if (servicePages + enginePages > Integer.MAX_VALUE / 2) throw new IllegalArgumentException("state too large");
        return (int) (servicePages + enginePages);
    }

    public PartitionTree tree() { return tree; }

    /** The service's region (what {@code Service.init} gets). */
    public PagedState service() { return service; }

    /** The engine's region (the client table). */
    public PagedState engine() { return engine; }

    public int maxClients() { return maxClients; }
}
