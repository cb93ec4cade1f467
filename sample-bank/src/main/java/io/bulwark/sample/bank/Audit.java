package io.bulwark.sample.bank;

/**
 * The answer of {@link BankService#audit}: the ledger's figures and the sum of the accounts' balances
 * recomputed from the accounts themselves (all in cents).
 */
public record Audit(long deposits, long ledgerBalances, long sumOfAccounts, long accounts) {
    /** The invariant holds: the accounts add up to what was deposited. */
    public boolean balanced() { return deposits == ledgerBalances && ledgerBalances == sumOfAccounts; }
}
