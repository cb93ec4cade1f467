package io.bulwark.sample.bank;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.bulwark.bft.core.NonDet;
import io.bulwark.bft.node.Invoker;
import io.bulwark.bft.state.ReplicatedState;
import io.bulwark.jakarta.client.BulwarkClient;
import io.bulwark.jakarta.host.CdiReplicaHost;
import io.bulwark.store.access.AccessPolicy;
import io.bulwark.store.service.StoreService;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The transfer history is bounded: the bank keeps its newest entries and retires older ones in the same
 * transaction, so a bank whose state is fixed in size never stops with "state full" however many transfers it
 * makes. The bank runs here as each replica runs it (the CDI host's store definition over a replica's paged state,
 * requests in the same envelopes), without the network: what is measured is the state, not agreement.
 */
@Timeout(300)
class HistoryRetentionTest {
    /** A state small enough that an unbounded history fills it within {@link #OPERATIONS}. */
    static final int PAGES = 48;
    static final int OPERATIONS = 6_000;
    static final int KEPT = 40;

    /** The bank with a short history, to watch the retirement happen in a few thousand operations. */
    public static class ShortHistoryBank extends BankServiceBean {
        @Override protected long historyKept() { return KEPT; }
    }

    @Test
    void aBankThatKeepsItsNewestEntriesNeverFillsItsState() throws Exception {
        try (InProcessBank bank = new InProcessBank(ShortHistoryBank.class)) {
            BankService teller = bank.teller();
            Account a = bank.openWithDeposit("alice", 1_000_000), b = bank.openWithDeposit("bob", 0);
            long lastId = 0;
            for (int i = 0; i < OPERATIONS; i++) lastId = (i % 2 == 0 ? teller.transfer(a.id, b.id, 3) : teller.transfer(b.id, a.id, 1)).id;

            List<Transfer> kept = teller.recentTransfers(BankServiceBean.MAX_HISTORY);
            assertEquals(KEPT, kept.size(), "exactly the newest " + KEPT + " entries are kept");
            assertEquals(lastId, kept.get(0).id);
            assertEquals(lastId - KEPT + 1, kept.get(KEPT - 1).id, "the newest ones, with no gap");
            List<Long> statementIds = teller.statement(a.id, Long.MAX_VALUE, BankServiceBean.MAX_HISTORY).entries().stream().map(t -> t.id).toList();
            assertEquals(kept.stream().map(t -> t.id).toList(), statementIds, "an account's statement holds only kept entries");
            Audit audit = teller.audit();
            assertTrue(audit.balanced(), audit.toString());
            assertEquals(1_000_000, audit.deposits());
            assertEquals(1_000_000 - OPERATIONS / 2 * 2, teller.account(a.id).balance, "the balances never depend on the history");
        }
    }

    /** The control: the same operations with the history unbounded fill the same state, and the bank stops. */
    @Test
    void withEveryEntryKeptTheSameStateFills() throws Exception {
        try (InProcessBank bank = new InProcessBank(BankServiceBean.class)) {
            BankService teller = bank.teller();
            Account a = bank.openWithDeposit("alice", 1_000_000), b = bank.openWithDeposit("bob", 0);
            int[] done = {0};
            RuntimeException full = assertThrows(RuntimeException.class, () -> {
                for (; done[0] < OPERATIONS; done[0]++) teller.transfer(a.id, b.id, 1);
            });
            assertTrue(full.getMessage().contains("state full"), full.getMessage());
            assertEquals(1_000_000 - done[0], teller.account(a.id).balance, "the refused transfer changed nothing");
            assertTrue(teller.audit().balanced(), "a refused operation changed nothing");
        }
    }

    /** One replica's execution in this process: the CDI host's definition on a replica's paged state, one client. */
    static final class InProcessBank implements AutoCloseable {
        private static final int TELLER = 4;
        private final CdiReplicaHost host;
        private final StoreService service;
        private long lastMillis;

        InProcessBank(Class<? extends BankServiceBean> bean) {
            host = CdiReplicaHost.boot(HistoryRetentionTest.class.getClassLoader(), List.of(Account.class, Transfer.class, Ledger.class,
                    BankService.class, bean, NotYourAccountException.class, Accounts.class, History.class));
            service = new StoreService(host.definition(AccessPolicy.builder().grant(TELLER, "teller", BankService.TELLER).build()));
            service.init(new ReplicatedState(PAGES, 8).service());
        }

        /** A new account of {@code owner}, with {@code amount} deposited when positive (the deposit's history entry too). */
        Account openWithDeposit(String owner, long amount) {
            BankService teller = teller();
            Account a = teller.open(owner, "main");
            return amount > 0 ? teller.deposit(a.id, amount) : a;
        }

        BankService teller() {
            Invoker invoker = new Invoker() {
                @Override public byte[] invoke(byte[] operation, boolean readOnly, Duration timeout) {
                    lastMillis = Math.max(lastMillis + 1, System.currentTimeMillis());   // the agreed time, as a replica executes it
                    return service.execute(operation, TELLER, readOnly ? new byte[0] : NonDet.encodeTime(lastMillis), readOnly);
                }

                @Override public long view() { return -1; }
            };
            return BulwarkClient.over(invoker, Duration.ofSeconds(30)).proxy(BankService.class);
        }

        @Override public void close() { host.close(); }
    }
}
