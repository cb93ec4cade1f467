package io.bulwark.store.cli;

import io.bulwark.bft.node.Invoker;
import io.bulwark.jakarta.client.BulwarkClient;
import io.bulwark.store.access.AccessPolicy;
import io.bulwark.store.bench.BankSession;
import io.bulwark.store.bench.BankSystem;
import io.bulwark.store.bench.TransferResult;
import io.bulwark.store.bench.bank.BankAccounts;
import io.bulwark.store.bench.bank.SampleBank;
import io.bulwark.store.service.StoreService;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;

/**
 * The same bank on the same store without replication (the paper's NO-REP): one {@link StoreService} running the sample
 * bank's jar (the definition a replica builds from it) executed as {@link UnreplicatedExecution} executes it (as
 * {@code bulwark unreplicated} does, without the socket), fed the requests the bank's proxies send, and answering with
 * the same reply envelopes. The difference to the {@code bft} row is then what replication costs: agreement, MACs, the network,
 * checkpoints.
 */
public final class UnreplicatedBank implements BankSystem {
    /** The client id the accounts are opened and audited as; client i is {@code CLIENT_BASE + 1 + i}; all are tellers. */
    private static final int CLIENT_BASE = 4;
    private static final Duration CALL_TIMEOUT = Duration.ofSeconds(60);

    private final SampleBank bank;
    private final int clients;
    private final int pages;
    private UnreplicatedExecution execution;

    UnreplicatedBank(SampleBank bank, int clients, int pages) {
        if (pages < 1) throw new IllegalArgumentException("at least one page");
        if (clients < 1) throw new IllegalArgumentException("at least one client");
        this.bank = bank;
        this.clients = clients;
        this.pages = pages;
    }

    @Override public String name() { return "unreplicated"; }

    @Override public void open(int accounts, long initialBalance) throws Exception {
        if (execution != null) throw new IllegalStateException("already open");
        List<Integer> ids = new ArrayList<>();
        for (int i = 0; i <= clients; i++) ids.add(CLIENT_BASE + i);
        execution = new UnreplicatedExecution(new StoreService(bank.definition(AccessPolicy.parse(SampleBank.tellerPolicy(ids)))), pages, clients + 1,
                "bench-unreplicated-store");
        List<Object> openers = new ArrayList<>();
        for (int i = 0; i <= clients; i++) openers.add(teller(CLIENT_BASE + i));
        BankAccounts.open(bank, openers, accounts, initialBalance);
    }

    @Override public BankSession session(int client) {
        if (execution == null) throw new IllegalStateException("not open");
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
                    return execution.execute(operation, client, readOnly);
                } catch (ExecutionException e) {
                    throw new IllegalStateException("the store failed to execute the request", e.getCause());
                }
            }

            @Override public long view() { return -1; }
        };
        return BulwarkClient.over(invoker, CALL_TIMEOUT).proxy(bank.serviceInterface());
    }

    @Override public void close() throws InterruptedException {
        if (execution != null) execution.close();
    }
}
