package io.bulwark.store.bench.bank;

import java.util.BitSet;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicLong;
import java.util.ArrayList;

/**
 * Opens the bench's accounts in the sample bank through its own operations (a teller's {@code open}, then a
 * {@code deposit} of the opening balance), with every client at once: the bank numbers accounts 1, 2, ... in the order
 * it opens them, so whichever client opens which, accounts 1..n exist afterwards, each holding the opening balance, which
 * is what the clients' transfers pick from. A bank that hands out other ids (it held accounts already) is refused.
 */
public final class BankAccounts {
    private BankAccounts() {}

    public static void open(SampleBank bank, List<Object> tellers, int accounts, long balance) throws Exception {
        if (accounts < 1) throw new IllegalArgumentException("at least one account");
        AtomicLong next = new AtomicLong();
        BitSet seen = new BitSet();
        ExecutorService pool = Executors.newFixedThreadPool(tellers.size(), r -> {
            Thread t = new Thread(r, "bench-open-accounts");
            t.setDaemon(true);
            return t;
        });
        try {
            List<Future<?>> all = new ArrayList<>();
            for (Object teller : tellers)
                all.add(pool.submit(() -> {
                    for (long n = next.incrementAndGet(); n <= accounts; n = next.incrementAndGet()) {
                        long id = bank.openAccount(teller, "owner-" + n, balance);
                        if (id < 1 || id > accounts) throw new IllegalStateException("the bank opened account " + id + ", not one of 1.." + accounts
                                + ": it held accounts already");
                        synchronized (seen) {
                            seen.set((int) id);
                        }
                    }
                    return null;
                }));
            for (Future<?> f : all) f.get();
        } finally {
            pool.shutdownNow();
        }
        if (seen.cardinality() != accounts) throw new IllegalStateException(accounts + " accounts opened, " + seen.cardinality() + " distinct ids");
    }
}
