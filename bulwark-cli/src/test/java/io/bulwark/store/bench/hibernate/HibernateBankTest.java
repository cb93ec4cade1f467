package io.bulwark.store.bench.hibernate;

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
        try (HibernateBank bank = new HibernateBank(2)) {
            // 71 would take account 1 to -1: validation at flush refuses it, and neither side changes.
            BankScenario.transfersAndARefusedOverdraft(bank, bank::balance);
            assertEquals(3, bank.accountCount());
        }
    }

    @Test
    void concurrentClientsOnFewAccountsConserveMoney() throws Exception {
        // Few accounts and many clients: conflicts (retried) are certain; the total must not move.
        BenchSettings settings = new BenchSettings(4, 3, 50, 40, 7, Duration.ofMillis(100), Duration.ofMillis(700));
        try (HibernateBank bank = new HibernateBank(settings.clients())) {
            BenchRow row = ClosedLoopBench.run(bank, settings);
            assertEquals(0, row.failed(), () -> "failures, first: " + row.firstFailure());
            assertTrue(row.applied() > 0, "some transfers applied");
            assertEquals(150, row.moneyAfter());
            assertTrue(row.conserved());
        }
    }
}
