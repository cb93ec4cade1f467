package io.bulwark.bft.config;

/**
 * Every protocol constant in one place (DESIGN principle 5). Defaults follow the paper:
 * K = 128 (checkpoint interval, section 4.3), L = 2K (log size), 4 KB pages.
 *
 * @param f                   faults tolerated; n = 3f + 1 replicas
 * @param checkpointInterval  K: a checkpoint is taken after every K sequence numbers (batches)
 * @param logSize             L: high water mark H = h + L
 * @param maxBatchRequests    at most this many requests in one pre-prepare
 * @param maxBatchBytes       at most this many operation bytes in one pre-prepare
 * @param maxInFlightBatches  the primary starts a new batch only while fewer are uncommitted
 * @param statusIntervalMs    how often a replica multicasts STATUS (section 4.6.1)
 * @param clientRetransmitMs  a client retransmits (to all replicas) after this long without a certificate
 * @param viewChangeTimeoutMs a backup that knows of a request not executed for this long suspects the
 *                            primary (section 4.5 and [6]); doubled with each consecutive view change
 * @param maxClockSkewMs      a backup accepts a primary's proposed time within this skew of its own clock
 * @param maxOperationBytes   largest operation a client may send
 * @param maxResultBytes      largest result a service may return
 * @param pageSize            bytes per state page
 * @param recoverySpacingMs   the least agreed time between two accepted recovery requests of one replica (section 4.4)
 * @param requestByDigestBytes a primary names a client request of at least this many operation bytes by its
 *                            digest in its pre-prepare instead of carrying it ({@code PrePrepareByDigest});
 *                            {@link Integer#MAX_VALUE} carries every request. A primary's own choice: backups take both forms
 */
public record ProtocolConfig(
        int f,
        int checkpointInterval,
        int logSize,
        int maxBatchRequests,
        int maxBatchBytes,
        int maxInFlightBatches,
        long statusIntervalMs,
        long clientRetransmitMs,
        long viewChangeTimeoutMs,
        long maxClockSkewMs,
        int maxOperationBytes,
        int maxResultBytes,
        int pageSize,
        long recoverySpacingMs,
        int requestByDigestBytes) {

    public static final int DEFAULT_K = 128;
    public static final int DEFAULT_L = 256;
    public static final int PAGE_SIZE = 4096;
    public static final int MAX_F = 21;
    /**
     * How many batches the primary keeps in flight. Each batch costs every replica its own round of
     * PRE-PREPARE, PREPARE and COMMIT messages, MACs, journal records and wake-ups, and brings the next
     * checkpoint (every K batches, with its saved pages) one batch nearer, whatever it holds: a deeper
     * pipeline makes more, smaller batches of the same requests. A shallow one leaves a durable group
     * waiting on each batch's syncs. Measured (2026-12-03, 4 replica processes on 2 cores, load under 1
     * before each run), 1 / 2 / 3 / 4 / 8 in flight:
     * the sample bank ({@code bench store}, 16 clients, durable) 1,179 / 1,848–1,948 / 1,856 /
     * 1,358–1,695 / 994 transfers/s; null requests from 100 clients ({@code bench micro}) 8,893 / 10,658 /
     * 10,647 ops/s not durable, 2,996 / 5,315 / 5,535 durable (2 / 3 / 4). The simulator draws it from
     * 1..8 per seed.
     */
    public static final int DEFAULT_MAX_IN_FLIGHT_BATCHES = 3;
    /**
     * Section 4.4: replicas refuse a recovery request of a replica that had one accepted less than
     * this long ago (agreed time), so a faulty replica cannot keep the others busy refreshing keys.
     * The paper uses half the watchdog period; the watchdog of {@code bulwark replica} must be at
     * least twice this.
     */
    public static final long DEFAULT_RECOVERY_SPACING_MS = 5_000;
    /**
     * Requests of at least this many operation bytes travel to the backups from their client only, and
     * the primary's pre-prepare names them by digest (the BFT library has such a threshold too; this
     * value is ours, not taken from it). Below it, carrying the request costs the primary little more
     * than the reference's 49 bytes, and saves the backups a lookup and a possible wait.
     */
    public static final int DEFAULT_REQUEST_BY_DIGEST_BYTES = 256;

    public ProtocolConfig {
        if (f < 1) throw new IllegalArgumentException("f must be at least 1, was " + f);
        // STATUS carries a 64-bit set of replicas (view-changes held).
        if (f > MAX_F) throw new IllegalArgumentException("f must be at most " + MAX_F + " (n <= 64), was " + f);
        if (statusIntervalMs < 1 || clientRetransmitMs < 1 || viewChangeTimeoutMs < 1)
            throw new IllegalArgumentException("timeouts must be positive");
        if (checkpointInterval < 1) throw new IllegalArgumentException("K must be positive");
        if (logSize < checkpointInterval || logSize % checkpointInterval != 0)
            throw new IllegalArgumentException("L must be a positive multiple of K (K=" + checkpointInterval + ", L=" + logSize + ")");
        if (maxBatchRequests < 1 || maxBatchBytes < 1 || maxInFlightBatches < 1)
            throw new IllegalArgumentException("batch limits must be positive");
        // The primary stays within K batches of its own execution, so log retention (Replica.makeStable)
        // always lets it catch up by retransmission.
        if (maxInFlightBatches > checkpointInterval)
            throw new IllegalArgumentException("maxInFlightBatches (" + maxInFlightBatches + ") must not exceed K (" + checkpointInterval + ")");
        if (maxOperationBytes < 0 || maxResultBytes < 0) throw new IllegalArgumentException("size limits must be >= 0");
        if (pageSize != PAGE_SIZE) throw new IllegalArgumentException("page size must be " + PAGE_SIZE);
        if (recoverySpacingMs < 0) throw new IllegalArgumentException("recovery spacing must be >= 0");
        if (requestByDigestBytes < 1) throw new IllegalArgumentException("requestByDigestBytes must be >= 1, was " + requestByDigestBytes);
    }

    /** The compatibility constructor: the default threshold for requests by digest ({@link #DEFAULT_REQUEST_BY_DIGEST_BYTES}). */
    public ProtocolConfig(int f, int checkpointInterval, int logSize, int maxBatchRequests, int maxBatchBytes, int maxInFlightBatches,
                          long statusIntervalMs, long clientRetransmitMs, long viewChangeTimeoutMs, long maxClockSkewMs,
                          int maxOperationBytes, int maxResultBytes, int pageSize, long recoverySpacingMs) {
        this(f, checkpointInterval, logSize, maxBatchRequests, maxBatchBytes, maxInFlightBatches, statusIntervalMs, clientRetransmitMs,
                viewChangeTimeoutMs, maxClockSkewMs, maxOperationBytes, maxResultBytes, pageSize, recoverySpacingMs,
                DEFAULT_REQUEST_BY_DIGEST_BYTES);
    }

    /**
     * The compatibility constructor: the default spacing of recovery requests
     * ({@link #DEFAULT_RECOVERY_SPACING_MS}).
     */
    public ProtocolConfig(int f, int checkpointInterval, int logSize, int maxBatchRequests, int maxBatchBytes, int maxInFlightBatches,
                          long statusIntervalMs, long clientRetransmitMs, long viewChangeTimeoutMs, long maxClockSkewMs,
                          int maxOperationBytes, int maxResultBytes, int pageSize) {
        this(f, checkpointInterval, logSize, maxBatchRequests, maxBatchBytes, maxInFlightBatches, statusIntervalMs, clientRetransmitMs,
                viewChangeTimeoutMs, maxClockSkewMs, maxOperationBytes, maxResultBytes, pageSize, DEFAULT_RECOVERY_SPACING_MS);
    }

    /**
     * The paper's constants, and a primary that keeps at most {@value #DEFAULT_MAX_IN_FLIGHT_BATCHES}
     * batches uncommitted (requests arriving meanwhile wait for the next batch).
     */
    public static ProtocolConfig defaults(int f) {
        return new ProtocolConfig(f, DEFAULT_K, DEFAULT_L, 256, 256 * 1024, DEFAULT_MAX_IN_FLIGHT_BATCHES,
                100, 500, 1_000, 5_000, 64 * 1024, 64 * 1024, PAGE_SIZE);
    }

    /** n = 3f + 1. */
    public int n() { return 3 * f + 1; }

    /** 2f + 1: prepared/committed/stable certificates and read-only replies. */
    public int quorum() { return quorum(f); }

    /** f + 1: a reply certificate (at least one correct replica). */
    public int weakQuorum() { return weakQuorum(f); }

    /** 2f + 1 for {@code f} faults: any two such sets of replicas share a correct one. */
    public static int quorum(int f) { return 2 * f + 1; }

    /** f + 1 for {@code f} faults: such a set of replicas holds a correct one. */
    public static int weakQuorum(int f) { return f + 1; }

    public int primaryOf(long view) { return (int) (view % n()); }

    public ProtocolConfig withCheckpointInterval(int k, int l) {
        return new ProtocolConfig(f, k, l, maxBatchRequests, maxBatchBytes, maxInFlightBatches,
                statusIntervalMs, clientRetransmitMs, viewChangeTimeoutMs, maxClockSkewMs, maxOperationBytes, maxResultBytes, pageSize,
                recoverySpacingMs, requestByDigestBytes);
    }

    public ProtocolConfig withRecoverySpacing(long ms) {
        return new ProtocolConfig(f, checkpointInterval, logSize, maxBatchRequests, maxBatchBytes, maxInFlightBatches,
                statusIntervalMs, clientRetransmitMs, viewChangeTimeoutMs, maxClockSkewMs, maxOperationBytes, maxResultBytes, pageSize, ms,
                requestByDigestBytes);
    }

    public ProtocolConfig withTimeouts(long statusMs, long clientRetransmitMs, long viewChangeMs) {
        return new ProtocolConfig(f, checkpointInterval, logSize, maxBatchRequests, maxBatchBytes, maxInFlightBatches,
                statusMs, clientRetransmitMs, viewChangeMs, maxClockSkewMs, maxOperationBytes, maxResultBytes, pageSize,
                recoverySpacingMs, requestByDigestBytes);
    }

    /** The same config with another threshold for requests by digest ({@link Integer#MAX_VALUE}: never). */
    public ProtocolConfig withRequestByDigestBytes(int bytes) {
        return new ProtocolConfig(f, checkpointInterval, logSize, maxBatchRequests, maxBatchBytes, maxInFlightBatches,
                statusIntervalMs, clientRetransmitMs, viewChangeTimeoutMs, maxClockSkewMs, maxOperationBytes, maxResultBytes, pageSize,
                recoverySpacingMs, bytes);
    }
}
