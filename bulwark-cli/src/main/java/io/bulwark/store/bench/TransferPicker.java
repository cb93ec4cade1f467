package io.bulwark.store.bench;

import java.util.SplittableRandom;

/**
 * The workload of one client: transfers between two distinct random accounts of 1..{@code accounts},
 * of 1..{@code maxAmount}, from a seeded generator, so a run is the same sequence of requests each
 * time (what the systems do with them, and how they interleave, is up to them).
 */
public final class TransferPicker {
    private final SplittableRandom random;
    private final int accounts;
    private final long maxAmount;
    private long from, to, amount;

    public TransferPicker(long seed, int client, int accounts, long maxAmount) {
        if (accounts < 2) throw new IllegalArgumentException("a transfer needs at least 2 accounts, not " + accounts);
        if (maxAmount < 1) throw new IllegalArgumentException("the largest amount must be positive, not " + maxAmount);
        // Distinct, well-mixed streams per client from one run seed.
        this.random = new SplittableRandom(seed * 0x9E3779B97F4A7C15L + client);
        this.accounts = accounts;
        this.maxAmount = maxAmount;
    }

    /** Draws the next transfer; read it with {@link #from}, {@link #to}, {@link #amount}. */
    public void next() {
        from = 1 + random.nextInt(accounts);
        long t = 1 + random.nextInt(accounts - 1);
        to = t >= from ? t + 1 : t;   // any account but the source, uniformly
        amount = 1 + random.nextLong(maxAmount);
    }

    public long from() { return from; }

    public long to() { return to; }

    public long amount() { return amount; }
}
