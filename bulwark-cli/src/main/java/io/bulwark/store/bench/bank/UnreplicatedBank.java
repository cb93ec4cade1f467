package io.bulwark.store.bench.bank;

import io.bulwark.bft.core.NonDet;
import io.bulwark.bft.node.Invoker;
import io.bulwark.bft.state.ReplicatedState;
import io.bulwark.jakarta.client.BulwarkClient;
import io.bulwark.store.access.AccessPolicy;
import io.bulwark.store.bench.BankSession;
import io.bulwark.store.bench.BankSystem;
import io.bulwark.store.bench.TransferResult;
import io.bulwark.store.service.StoreService;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

/**
 * The same bank on the same store without replication (the paper's NO-REP): one {@link StoreService} running the sample
 * bank's jar (the definition a replica builds from it) on the same kind of paged state a replica has, executing on one
 * thread as a replica does, fed through a queue with the requests the bank's proxies send, and answering with the same
 * reply envelopes. The difference to the {@code bft} row is then what replication costs: agreement, MACs, the network,
 * checkpoints.
 */
public final class UnreplicatedBank implements BankSystem {
    /** The client id the accounts are opened and audited as; client i is {@code CLIENT_BASE + 1 + i}; all are tellers. */
    private static final int CLIENT_BASE = 4;
    private static final Duration CALL_TIMEOUT = Duration.ofSeconds(60);

    private final SampleBank bank;
    private final int clients;
    private final int pages;
    /** The replica's one execution thread; its queue holds at most one request per closed-loop client. */
    private final ExecutorService executor = Executors.newSingleThreadExecutor(r -> {
        Thread t = new Thread(r, "bench-unreplicated-store");
        t.setDaemon(true);
        return t;
    });
    private StoreService service;
    /** The agreed time, never going backwards (as the engine's execution does); executor thread only. */
    private long lastMillis;

    public UnreplicatedBank(SampleBank bank, int clients, int pages) {
        if (pages < 1) throw new IllegalArgumentException("at least one page");
        if (clients < 1) throw new IllegalArgumentException("at least one client");
        this.bank = bank;
        this.clients = clients;
        this.pages = pages;
    }

    @Override public String name() { return "unreplicated"; }

    @Override public void open(int accounts, long initialBalance) throws Exception {
        if (service != null) throw new IllegalStateException("already open");
        List<Integer> ids = new ArrayList<>();
        for (int i = 0; i <= clients; i++) ids.add(CLIENT_BASE + i);
        StoreService s = new StoreService(bank.definition(AccessPolicy.parse(SampleBank.tellerPolicy(ids))));
        executor.submit(() -> s.init(new ReplicatedState(pages, clients + 1).service())).get();
        service = s;
        List<Object> openers = new ArrayList<>();
        for (int i = 0; i <= clients; i++) openers.add(teller(CLIENT_BASE + i));
        BankAccounts.open(bank, openers, accounts, initialBalance);
    }

    @Override public BankSession session(int client) {
        if (service == null) throw new IllegalStateException("not open");
        Object teller = teller(CLIENT_BASE + 1 + client);
        return (from, to, amount) -> bank.transfer(teller, from, to, amount) ? TransferResult.APPLIED : TransferResult.REFUSED;
    }

    @Override public long totalBalance() throws Exception {
        return bank.totalBalance(teller(CLIENT_BASE));
    }

    /** One account's balance (for tests). */
    long balance(long id) throws Exception {
        return bank.balance(teller(CLIENT_BASE), id);
    }

    /** The bank's {@code BankService} as client {@code client} calls it: its requests go through the executor. */
    private Object teller(int client) {
        Invoker invoker = new Invoker() {
            @Override public byte[] invoke(byte[] operation, boolean readOnly, Duration timeout) throws InterruptedException {
                try {
                    return executor.submit(() -> execute(operation, client, readOnly)).get();
                } catch (ExecutionException e) {
                    throw new IllegalStateException("the store failed to execute the request", e.getCause());
                }
            }

            @Override public long view() { return -1; }
        };
        return BulwarkClient.over(invoker, CALL_TIMEOUT).proxy(bank.serviceInterface());
    }

    /** On the executor: what a replica's execution upcall does, with the time the engine would agree on. */
    private byte[] execute(byte[] request, int client, boolean readOnly) {
        byte[] nonDet = new byte[0];
        if (!readOnly) {
            lastMillis = Math.max(lastMillis, System.currentTimeMillis());
            nonDet = NonDet.encodeTime(lastMillis);
        }
        return service.execute(request, client, nonDet, readOnly);
    }

    @Override public void close() throws InterruptedException {
        executor.shutdownNow();
        executor.awaitTermination(10, TimeUnit.SECONDS);
    }
}
