package io.bulwark.store.bench.etcd;

import io.bulwark.store.bench.BankSession;
import io.bulwark.store.bench.BankSystem;
import io.bulwark.store.bench.TransferResult;
import io.etcd.jetcd.ByteSequence;
import io.etcd.jetcd.Client;
import io.etcd.jetcd.KV;
import io.etcd.jetcd.KeyValue;
import io.etcd.jetcd.kv.GetResponse;
import io.etcd.jetcd.kv.TxnResponse;
import io.etcd.jetcd.op.Cmp;
import io.etcd.jetcd.op.CmpTarget;
import io.etcd.jetcd.op.Op;
import io.etcd.jetcd.options.DeleteOption;
import io.etcd.jetcd.options.GetOption;
import io.etcd.jetcd.options.PutOption;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The sample bank's transfer on etcd, as its users write a transaction there: each account is one key
 * ({@code bank/account/00000042}, the balance in decimal), and a transfer reads both accounts with
 * their revisions, refuses an overdraft, then commits one etcd transaction that writes both only if
 * neither changed since it read them, with the transfer's history entry and the retirement of the entry that falls
 * out of the newest {@code historyKept} ({@code If(modRevision(a) == ra && modRevision(b) == rb)
 * Then(put a, put b, put entry, delete old entry)}), retrying from the read when the comparison fails. History keys
 * are per client ({@code bank/transfer/003/000000000042}: no shared counter to conflict on), each client keeping its
 * share of {@code historyKept}. Reads are linearizable (etcd's default); every write is acknowledged after a majority
 * fsynced it. The books need no key: a transfer's net change is zero, and deposits are only the opening balances.
 * The bank's access rule has no counterpart here (etcd's own authorization is per key range, not per owner); the
 * bench's clients are tellers, whom the bank lets move any money.
 */
public final class EtcdBank implements BankSystem {
    static final String PREFIX = "bank/account/";
    static final String HISTORY_PREFIX = "bank/transfer/";
    /** A transfer that keeps losing its comparison this often gives up, so a livelock shows up as failures. */
    static final int MAX_ATTEMPTS = 100;
    /** etcd's default limit of operations in one transaction (--max-txn-ops 128): accounts load in batches below it. */
    static final int LOAD_BATCH = 100;

    private final AutoCloseable cluster;
    private final List<String> endpoints;
    private final long callTimeoutNanos;
    private final long historyKept;
    private final AtomicLong retried = new AtomicLong();
    /** Sessions opened: the clients share the kept history between them. */
    private final AtomicInteger sessions = new AtomicInteger();
    private Client client;
    private KV kv;
    private int accounts;

    /**
     * A bank on the etcd members at {@code endpoints} (client URLs); {@code cluster}, if not null, is
     * closed with the bank. Each etcd call may take at most {@code callTimeout}.
     */
    public EtcdBank(List<String> endpoints, long historyKept, Duration callTimeout, AutoCloseable cluster) {
        if (historyKept < 1) throw new IllegalArgumentException("keep at least one history entry");
        if (endpoints.isEmpty()) throw new IllegalArgumentException("no etcd endpoint");
        if (callTimeout.isNegative() || callTimeout.isZero()) throw new IllegalArgumentException("the call timeout must be positive");
        this.endpoints = List.copyOf(endpoints);
        this.callTimeoutNanos = callTimeout.toNanos();
        this.historyKept = historyKept;
        this.cluster = cluster;
    }

    @Override public String name() { return "etcd"; }

    static ByteSequence key(long id) {
        return ByteSequence.from(String.format(Locale.ROOT, "%s%08d", PREFIX, id), StandardCharsets.US_ASCII);
    }

    static ByteSequence historyKey(int client, long seq) {
        return ByteSequence.from(String.format(Locale.ROOT, "%s%03d/%012d", HISTORY_PREFIX, client, seq), StandardCharsets.US_ASCII);
    }

    static ByteSequence value(long balance) {
        return ByteSequence.from(Long.toString(balance), StandardCharsets.US_ASCII);
    }

    /** A stored balance; anything but a decimal long is refused (the bank wrote it, so this is corruption). */
    static long balance(KeyValue kv) {
        String s = kv.getValue().toString(StandardCharsets.US_ASCII);
        try {
            return Long.parseLong(s);
        } catch (NumberFormatException e) {
            throw new IllegalStateException("key " + kv.getKey().toString(StandardCharsets.US_ASCII) + " holds no balance: '" + s + "'");
        }
    }

    @Override public void open(int accounts, long initialBalance) throws Exception {
        if (client != null) throw new IllegalStateException("already open");
        if (accounts < 1) throw new IllegalArgumentException("at least one account");
        if (initialBalance < 0) throw new IllegalArgumentException("a negative opening balance");
        client = Client.builder().endpoints(endpoints.toArray(String[]::new)).build();
        kv = client.getKVClient();
        this.accounts = accounts;
        for (long first = 1; first <= accounts; first += LOAD_BATCH) {
            List<Op> puts = new ArrayList<>();
            for (long id = first; id < first + LOAD_BATCH && id <= accounts; id++) puts.add(Op.put(key(id), value(initialBalance), PutOption.DEFAULT));
            TxnResponse r = await(kv.txn().Then(puts.toArray(Op[]::new)).commit());
            if (!r.isSucceeded()) throw new IllegalStateException("loading accounts " + first + "..: the transaction did not succeed");
        }
    }

    @Override public BankSession session(int client) {
        if (kv == null) throw new IllegalStateException("not open");
        if (client < 0 || client > 999) throw new IllegalArgumentException("clients 0..999, not " + client);
        sessions.incrementAndGet();
        return new Session(client);
    }

    /** One client's transfers; it numbers its history entries and keeps its share of the history. Used by one thread at a time. */
    final class Session implements BankSession {
        private final int client;
        private final String principal;
        private long entries;

        Session(int client) {
            this.client = client;
            this.principal = "bench-teller-" + client;
        }

        @Override public TransferResult transfer(long from, long to, long amount) throws Exception {
            long seq = entries + 1;
            String entry = "TRANSFER," + from + "," + to + "," + amount + "," + principal + "," + Instant.now();
            // The clients share historyKept between them (the bench opens every session before the first transfer).
            long kept = Math.max(1, historyKept / sessions.get());
            TransferResult r = EtcdBank.this.transfer(from, to, amount, historyKey(client, seq),
                    ByteSequence.from(entry, StandardCharsets.UTF_8), seq > kept ? historyKey(client, seq - kept) : null);
            if (r == TransferResult.APPLIED) entries = seq;
            return r;
        }
    }

    private TransferResult transfer(long from, long to, long amount, ByteSequence entryKey, ByteSequence entry, ByteSequence retired) throws Exception {
        if (from == to) throw new IllegalArgumentException("a transfer needs two accounts, not " + from + " twice");
        if (amount < 1) throw new IllegalArgumentException("the amount must be positive, not " + amount);
        ByteSequence a = key(from), b = key(to);
        for (int attempt = 1; attempt <= MAX_ATTEMPTS; attempt++) {
            // Both accounts with their revisions, in one read-only (linearizable) transaction.
            TxnResponse read = await(kv.txn().Then(Op.get(a, GetOption.DEFAULT), Op.get(b, GetOption.DEFAULT)).commit());
            KeyValue ka = only(read.getGetResponses().get(0), from), kb = only(read.getGetResponses().get(1), to);
            long ba = balance(ka), bb = balance(kb);
            if (ba < amount) return TransferResult.REFUSED;   // nothing written
            List<Op> then = new ArrayList<>(List.of(Op.put(a, value(ba - amount), PutOption.DEFAULT),
                    Op.put(b, value(Math.addExact(bb, amount)), PutOption.DEFAULT), Op.put(entryKey, entry, PutOption.DEFAULT)));
            if (retired != null) then.add(Op.delete(retired, DeleteOption.DEFAULT));
            TxnResponse write = await(kv.txn()
                    .If(new Cmp(a, Cmp.Op.EQUAL, CmpTarget.modRevision(ka.getModRevision())),
                            new Cmp(b, Cmp.Op.EQUAL, CmpTarget.modRevision(kb.getModRevision())))
                    .Then(then.toArray(Op[]::new))
                    .commit());
            if (write.isSucceeded()) return TransferResult.APPLIED;
            retried.incrementAndGet();   // another transfer wrote one of them in between: read again
        }
        throw new IllegalStateException("transfer " + from + " -> " + to + " still conflicting after " + MAX_ATTEMPTS + " attempts");
    }

    private static KeyValue only(GetResponse r, long id) {
        if (r.getKvs().size() != 1) throw new IllegalStateException("no account " + id);
        return r.getKvs().get(0);
    }

    private <T> T await(CompletableFuture<T> f) throws InterruptedException, TimeoutException {
        try {
            return f.get(callTimeoutNanos, TimeUnit.NANOSECONDS);
        } catch (ExecutionException e) {
            Throwable c = e.getCause();
            if (c instanceof RuntimeException r) throw r;
            throw new IllegalStateException(c);
        } catch (TimeoutException e) {
            f.cancel(true);
            throw e;
        }
    }

    /** The sum of all balances, read in one range read (one revision), checking every account is there. */
    @Override public long totalBalance() throws Exception {
        if (kv == null) throw new IllegalStateException("not open");
        GetResponse r = await(kv.get(ByteSequence.from(PREFIX, StandardCharsets.US_ASCII), GetOption.builder().isPrefix(true).build()));
        if (r.getKvs().size() != accounts) throw new IllegalStateException(accounts + " accounts expected, " + r.getKvs().size() + " found");
        long sum = 0;
        for (KeyValue k : r.getKvs()) sum = Math.addExact(sum, balance(k));
        return sum;
    }

    /** History entries stored (for tests). */
    long historyEntries() throws Exception {
        return await(kv.get(ByteSequence.from(HISTORY_PREFIX, StandardCharsets.US_ASCII), GetOption.builder().isPrefix(true).withCountOnly(true).build())).getCount();
    }

    /** The balance of one account (for tests). */
    long balance(long id) throws Exception {
        return balance(only(await(kv.get(key(id))), id));
    }

    @Override public long retried() { return retried.get(); }

    /** The end of the members' logs, when the bank owns an {@link EtcdCluster} (for a failed run). */
    public String clusterLogs() {
        return cluster instanceof EtcdCluster c ? c.logs() : "";
    }

    @Override public void close() throws Exception {
        try {
            if (client != null) client.close();
        } finally {
            client = null;
            kv = null;
            if (cluster != null) cluster.close();
        }
    }
}
