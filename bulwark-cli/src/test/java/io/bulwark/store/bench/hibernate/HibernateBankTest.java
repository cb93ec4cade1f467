package io.bulwark.store.bench.hibernate;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.bulwark.store.bench.BankScenario;
import io.bulwark.store.bench.BankSession;
import io.bulwark.store.bench.BenchRow;
import io.bulwark.store.bench.BenchSettings;
import io.bulwark.store.bench.ClosedLoopBench;
import io.bulwark.store.bench.TransferResult;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class HibernateBankTest {

    @Test
    void transferMovesMoneyAndAnOverdraftIsRefusedAndRolledBack() throws Exception {
        try (HibernateBank bank = new HibernateBank(2, 1_000)) {
            // 71 would take account 1 to -1: validation at flush refuses it, and neither side changes.
            BankScenario.transfersAndARefusedOverdraft(bank, bank::balance);
            assertEquals(3, bank.accountCount());
            assertEquals(2, bank.historyEntries(), "one entry per applied transfer, none for the refused one");
            assertArrayEquals(new long[] {300, 300}, bank.ledger(), "the books: deposits and balances agree");
        }
    }

    /** The sample bank's bounded history: each transfer retires the entries older than the newest kept. */
    @Test
    void keepsTheNewestHistoryEntriesAsTheBankDoes() throws Exception {
        try (HibernateBank bank = new HibernateBank(1, 5)) {
            bank.open(2, 1_000);
            BankSession s = bank.session(0);
            for (int i = 0; i < 40; i++) assertEquals(TransferResult.APPLIED, s.transfer(1 + i % 2, 2 - i % 2, 3));
            assertEquals(5, bank.historyEntries());
            assertEquals(2_000, bank.totalBalance());
        }
    }

    @Test
    void concurrentClientsOnFewAccountsConserveMoney() throws Exception {
        // Few accounts and many clients: conflicts (retried) are certain; the total must not move.
        BenchSettings settings = new BenchSettings(4, 3, 50, 40, 7, Duration.ofMillis(100), Duration.ofMillis(700));
        try (HibernateBank bank = new HibernateBank(settings.clients(), 50)) {
            BenchRow row = ClosedLoopBench.run(bank, settings);
            assertEquals(0, row.failed(), () -> "failures, first: " + row.firstFailure());
            assertTrue(row.applied() > 0, "some transfers applied");
            assertEquals(150, row.moneyAfter());
            assertTrue(row.conserved());
        }
    }
}
