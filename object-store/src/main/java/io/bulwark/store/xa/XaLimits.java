package io.bulwark.store.xa;

import java.time.Duration;

/**
 * The bounds of the store's XA branches, part of the store's definition (so the same at every replica):
 * how many branches one client may hold open at once (active, prepared or heuristically completed and
 * not yet forgotten), how many of them prepared, how many calls one branch may record, and how long (in
 * the replicas' agreed time) a branch may stay active without a call, or prepared without a decision,
 * before the replicas roll it back (a prepared one heuristically, reported until {@code forget}).
 * A faulty client can thus hold at most {@code maxPreparedPerClient} branches' locks, for at most
 * {@code branchTimeout} of agreed time each.
 */
public record XaLimits(int maxOpenPerClient, int maxPreparedPerClient, int maxCallsPerBranch, Duration branchTimeout) {
    public static final XaLimits DEFAULTS = new XaLimits(32, 16, 64, Duration.ofMinutes(10));

    public XaLimits {
        // 256 open branches' Xids (at most 140 bytes each) keep a recover answer within the engine's default result limit (64 KiB).
        if (maxOpenPerClient < 1 || maxOpenPerClient > 256) throw new IllegalArgumentException("max open branches per client must be 1..256");
        if (maxPreparedPerClient < 1 || maxPreparedPerClient > maxOpenPerClient)
            throw new IllegalArgumentException("max prepared branches per client must be 1..max open branches");
        if (maxCallsPerBranch < 1 || maxCallsPerBranch > 1024) throw new IllegalArgumentException("max calls per branch must be 1..1024");
        if (branchTimeout == null || branchTimeout.toMillis() < 1) throw new IllegalArgumentException("the branch timeout must be at least 1 ms");
    }
}
