package io.bulwark.store.bench.store;

import io.bulwark.bft.core.NonDet;
import io.bulwark.bft.state.ReplicatedState;
import io.bulwark.store.StoreDefinition;
import io.bulwark.store.bench.BankSession;
import io.bulwark.store.bench.BankSystem;
import io.bulwark.store.bench.TransferResult;
import io.bulwark.store.codec.DeterministicCodec;
import io.bulwark.store.service.Reply;
import io.bulwark.store.service.RequestEnvelope;
import io.bulwark.store.service.StoreService;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

/**
 * The same store without replication (the paper's NO-REP): one {@link StoreService} on the same
 * kind of paged state a replica has, executing on one thread as a replica does, fed through a queue
 * with the same request envelopes a client sends, and answering with the same reply envelopes. The
 * difference to the {@code bft} row is then what replication costs: agreement, MACs, the network,
 * checkpoints.
 */
public final class UnreplicatedBank implements BankSystem {
    /** The client id requests are executed as; the bench's operations permit everyone. */
    private static final int CLIENT_BASE = 4;

    private final int pages;
    private final StoreDefinition definition = BenchStore.definition();
    private final DeterministicCodec codec = definition.codec();
    /** The replica's one execution thread; its queue holds at most one request per closed-loop client. */
    private final ExecutorService executor = Executors.newSingleThreadExecutor(r -> {
        Thread t = new Thread(r, "bench-unreplicated-store");
        t.setDaemon(true);
        return t;
    });
    private StoreService service;
    /** The agreed time, never going backwards (as the engine's execution does); executor thread only. */
    private long lastMillis;

    public UnreplicatedBank(int pages) {
        if (pages < 1) throw new IllegalArgumentException("at least one page");
        this.pages = pages;
    }

    @Override public String name() { return "unreplicated"; }

    @Override public void open(int accounts, long initialBalance) throws Exception {
        if (service != null) throw new IllegalStateException("already open");
        StoreService s = new StoreService(definition);
        executor.submit(() -> s.init(new ReplicatedState(pages, 1).service())).get();
        service = s;
        BenchStore.openAccounts(invoker(CLIENT_BASE), accounts, initialBalance);
    }

    @Override public BankSession session(int client) {
        if (service == null) throw new IllegalStateException("not open");
        BenchStore.Invoker invoker = invoker(CLIENT_BASE + 1 + client);
        return (from, to, amount) -> BenchStore.transfer(invoker, from, to, amount) ? TransferResult.APPLIED : TransferResult.REFUSED;
    }

    @Override public long totalBalance() throws Exception {
        return BenchStore.totalBalance(invoker(CLIENT_BASE));
    }

    /** One account's balance (for tests). */
    long balance(long id) throws Exception {
        return invoker(CLIENT_BASE).invoke("balance", true, Long.class, id);
    }

    private BenchStore.Invoker invoker(int client) {
        return new BenchStore.Invoker() {
            @Override public <R> R invoke(String operation, boolean readOnly, Class<R> resultType, Object... args) throws Exception {
                List<byte[]> encoded = new ArrayList<>(args.length);
                for (Object a : args) encoded.add(codec.encode(a));
                byte[] request = new RequestEnvelope(operation, encoded).encode();
                byte[] reply;
                try {
                    reply = executor.submit(() -> execute(request, client, readOnly)).get();
                } catch (ExecutionException e) {
                    throw e.getCause() instanceof Exception x ? x : e;
                }
                Reply decoded = Reply.decode(reply);
                if (decoded instanceof Reply.Failed failed) throw failed.failure();
                return resultType.cast(codec.decode(((Reply.Ok) decoded).result(), resultType));
            }
        };
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
