package io.bulwark.store.bench;

/** One client's connection to a {@link BankSystem}. */
public interface BankSession {

    /**
     * Moves {@code amount} from account {@code from} to account {@code to} in one transaction: read
     * both, update both, validate that no balance went negative. An overdraft is refused and changes
     * nothing; any other failure is thrown.
     */
    TransferResult transfer(long from, long to, long amount) throws Exception;
}
