package io.bulwark.store.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.bulwark.store.NotFoundException;
import io.bulwark.store.bench.BankScenario;
import io.bulwark.store.bench.BankSession;
import io.bulwark.store.bench.BenchRow;
import io.bulwark.store.bench.BenchSettings;
import io.bulwark.store.bench.ClosedLoopBench;
import io.bulwark.store.bench.bank.SampleBank;
import io.bulwark.store.bench.bank.TestBank;
import java.time.Duration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The unreplicated row runs the sample bank itself: its invariant refuses the overdraft, its audit gives the total. */
class UnreplicatedBankTest {
    private static SampleBank sample;

    @BeforeAll static void load() throws Exception { sample = TestBank.load(); }

    @AfterAll static void close() { if (sample != null) sample.close(); }

    @Test
    void transferMovesMoneyAndAnOverdraftIsRefusedAndChangesNothing() throws Exception {
        try (UnreplicatedBank bank = new UnreplicatedBank(sample, 1, 256)) {
            // The bank's @PositiveOrZero refuses account 1 at -1 at commit; the whole transaction rolls back.
            BankSession s = BankScenario.transfersAndARefusedOverdraft(bank, bank::balance);
            // Not a refusal: an unknown account is a failure the bench counts.
            assertThrows(NotFoundException.class, () -> s.transfer(1, 4, 1));
        }
    }

    @Test
    void accountsOpenedByManyClientsAreNumberedOneToN() throws Exception {
        int accounts = 517;
        try (UnreplicatedBank bank = new UnreplicatedBank(sample, 8, 1024)) {
            bank.open(accounts, 3);
            assertEquals(3L * accounts, bank.totalBalance());
            assertEquals(3, bank.balance(accounts));
            assertThrows(NotFoundException.class, () -> bank.balance(accounts + 1));
        }
    }

    @Test
    void concurrentClientsConserveMoney() throws Exception {
        BenchSettings settings = new BenchSettings(4, 3, 50, 40, 7, Duration.ofMillis(100), Duration.ofMillis(500));
        // The bank's history is bounded at 50,000 entries (about 2,700 pages): 16,384 pages never fill however fast the
        // machine runs transfers (256 did: 7,423 "state full" failures on a quiet one).
        try (UnreplicatedBank bank = new UnreplicatedBank(sample, 4, 16_384)) {
            BenchRow row = ClosedLoopBench.run(bank, settings);
            assertEquals(0, row.failed(), () -> "failures, first: " + row.firstFailure());
            assertTrue(row.applied() > 0 && row.refused() > 0, "3 accounts of 50 and amounts up to 40: both outcomes occur");
            assertEquals(150, row.moneyAfter());
        }
    }
}
