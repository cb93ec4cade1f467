package io.bulwark.store.bench;

import java.time.Duration;

/**
 * The workload of one {@code bench store} run, the same for every system: {@code clients}
 * closed-loop clients transferring 1..{@code maxAmount} between random accounts of
 * 1..{@code accounts} (each opened with {@code initialBalance}), drawn from {@code seed}; calls
 * that start after {@code warmup} and end within the following {@code measure} are measured.
 */
public record BenchSettings(int clients, int accounts, long initialBalance, long maxAmount, long seed,
                            Duration warmup, Duration measure) {
    public static final int MAX_CLIENTS = 256;
    public static final int MAX_ACCOUNTS = 1_000_000;

    public BenchSettings {
        if (clients < 1 || clients > MAX_CLIENTS) throw new IllegalArgumentException("clients must be 1.." + MAX_CLIENTS + ", not " + clients);
        if (accounts < 2 || accounts > MAX_ACCOUNTS)
            throw new IllegalArgumentException("accounts must be 2.." + MAX_ACCOUNTS + ", not " + accounts);
        if (initialBalance < 0 || initialBalance > Long.MAX_VALUE / accounts)
            throw new IllegalArgumentException("the initial balance must be non-negative and its sum over all accounts must fit a long");
        if (maxAmount < 1) throw new IllegalArgumentException("the largest amount must be positive, not " + maxAmount);
        if (warmup.isNegative()) throw new IllegalArgumentException("the warm-up must not be negative");
        if (measure.isNegative() || measure.isZero()) throw new IllegalArgumentException("the measured window must be positive");
    }

    /** The money in the bank before and (if conserved) after the run. */
    public long totalMoney() { return initialBalance * accounts; }
}
