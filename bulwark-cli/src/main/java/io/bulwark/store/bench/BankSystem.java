package io.bulwark.store.bench;

import java.util.Map;

/**
 * One system under test of {@code bench store}: a bank of accounts that concurrent clients move
 * money between. {@link #open} creates the accounts; each closed-loop client gets its own
 * {@link BankSession}; after the run {@link #totalBalance} lets the bench check that money was
 * conserved (no transfer half-applied, no lost update).
 */
public interface BankSystem extends AutoCloseable {

    /** The row's name in the report: {@code bft}, {@code unreplicated}, {@code hibernate-h2}, {@code hibernate-postgresql} or {@code etcd}. */
    String name();

    /** Creates accounts 1..{@code accounts}, each holding {@code initialBalance}. */
    void open(int accounts, long initialBalance) throws Exception;

    /** A session for closed-loop client {@code client} (0-based); used by one thread at a time. */
    BankSession session(int client) throws Exception;

    /** The sum of all balances, read in one transaction. */
    long totalBalance() throws Exception;

    /**
     * The processes the system started to serve the bank (a BFT group's replicas), named ("r0", ...), so
     * the bench can say what CPU each spent per transfer; none for a system inside the bench's own process.
     */
    default Map<String, ProcessHandle> serverProcesses() { return Map.of(); }

    /**
     * The batches a replicated system's replica executed so far (read at the measured window's ends:
     * transfers per batch is what a replica's CPU per transfer follows), or null where there are none.
     */
    default java.util.function.LongSupplier batchesExecuted() { return null; }

    /** Transactions the system retried internally (lock conflicts, deadlocks, optimistic failures). */
    default long retried() { return 0; }

    /** Stops whatever the system started (processes, threads, databases); safe to call twice. */
    @Override void close() throws Exception;
}
