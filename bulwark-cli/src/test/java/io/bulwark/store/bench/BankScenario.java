package io.bulwark.store.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** The transfer scenario every bank of the benchmark must pass, whatever stores its accounts. */
public final class BankScenario {
    private BankScenario() {}

    /** One account's balance as the bank under test reads it. */
    @FunctionalInterface
    public interface Balance {
        long of(long id) throws Exception;
    }

    /**
     * Opens 3 accounts of 100; a transfer moves money; an overdraft (71 of 70) is refused and changes
     * neither side; exactly the whole balance is allowed; the total stays 300. Returns the session.
     */
    public static BankSession transfersAndARefusedOverdraft(BankSystem bank, Balance balance) throws Exception {
        bank.open(3, 100);
        BankSession s = bank.session(0);
        assertEquals(TransferResult.APPLIED, s.transfer(1, 2, 30));
        assertEquals(70, balance.of(1));
        assertEquals(130, balance.of(2));
        assertEquals(TransferResult.REFUSED, s.transfer(1, 3, 71));
        assertEquals(70, balance.of(1));
        assertEquals(100, balance.of(3));
        assertEquals(TransferResult.APPLIED, s.transfer(1, 3, 70));
        assertEquals(0, balance.of(1));
        assertEquals(300, bank.totalBalance());
        return s;
    }
}
