package io.bulwark.bft.msg;

import io.bulwark.bft.config.ProtocolConfig;
import io.bulwark.bft.crypto.Digest;
import io.bulwark.bft.state.PartitionTree;

/**
 * Every bound the decoder enforces (DESIGN principle 3: every length and count is bounded, so
 * nothing a peer sends can make us allocate more than these allow). Derive with
 * {@link #of(ProtocolConfig, int)}; the fields not in ProtocolConfig get conservative defaults.
 *
 * @param replicaCount      n; request and frame authenticators have exactly n entries (at most 255)
 * @param tagLength         bytes per MAC ({@code MacKeys.tagLength()})
 * @param maxOperationBytes largest request operation
 * @param maxResultBytes    largest reply result
 * @param maxBatchRequests  most requests in one pre-prepare
 * @param maxBatchBytes     most operation bytes (summed) in one pre-prepare
 * @param maxNonDetBytes    largest non-deterministic input in a pre-prepare
 * @param maxNewKeyShares   most key shares in one NEW-KEY (one per replica, section 4.1)
 * @param maxKeyShareBytes  largest encrypted session key
 * @param maxSignatureBytes largest co-processor signature
 * @param maxStatusWords    most 64-bit words per STATUS bitmap: ceil(L / 64) (section 4.6.1)
 * @param maxCheckpoints    most checkpoints in a VIEW-CHANGE's C: L / K + 2 (those from the stable one up to
 *                          the high water mark, and one to spare)
 * @param maxLogEntries     most entries in a VIEW-CHANGE's P or Q, or in a NEW-VIEW's selection: L (one per
 *                          sequence number in the log, section 4.5)
 * @param maxQPairs         most (digest, view) pairs in one Q entry: f + 2 (section 4.5, Figure 2)
 * @param maxFrameBytes     a cap on a whole frame, checked by the wire before anything else, on top of the
 *                          largest frame these limits allow ({@code wire.Frame#largestFrame}); {@link #of}
 *                          leaves it open (the frame layout is the wire's business, not the codec's)
 */
public record CodecLimits(
        int replicaCount,
        int tagLength,
        int maxOperationBytes,
        int maxResultBytes,
        int maxBatchRequests,
        int maxBatchBytes,
        int maxNonDetBytes,
        int maxNewKeyShares,
        int maxKeyShareBytes,
        int maxSignatureBytes,
        int maxStatusWords,
        int maxCheckpoints,
        int maxLogEntries,
        int maxQPairs,
        int maxFrameBytes) {

    public static final int DEFAULT_MAX_NON_DET_BYTES = 64;
    public static final int DEFAULT_MAX_KEY_SHARE_BYTES = 512;
    public static final int DEFAULT_MAX_SIGNATURE_BYTES = 512;
    private static final int U16 = 0xffff;

    public CodecLimits {
        if (replicaCount < 1 || replicaCount > 255) throw new IllegalArgumentException("replicaCount must be 1..255");
        if (tagLength < 1 || tagLength > 64) throw new IllegalArgumentException("tagLength must be 1..64");
        if (maxOperationBytes < 0 || maxResultBytes < 0 || maxBatchBytes < 0 || maxFrameBytes < 1)
            throw new IllegalArgumentException("negative limit");
        u16("maxBatchRequests", maxBatchRequests);
        u16("maxNonDetBytes", maxNonDetBytes);
        u16("maxNewKeyShares", maxNewKeyShares);
        u16("maxKeyShareBytes", maxKeyShareBytes);
        u16("maxSignatureBytes", maxSignatureBytes);
        u16("maxStatusWords", maxStatusWords);
        u16("maxCheckpoints", maxCheckpoints);
        u16("maxLogEntries", maxLogEntries);
        u16("maxQPairs", maxQPairs);
    }

    private static void u16(String name, int v) {
        if (v < 0 || v > U16) throw new IllegalArgumentException(name + " must be 0..65535 (a u16 count on the wire), was " + v);
    }

    /** The limits for a cluster running {@code config} with MACs of {@code tagLength} bytes. */
    public static CodecLimits of(ProtocolConfig config, int tagLength) {
        int n = config.n();
        int words = (config.logSize() + 63) / 64;
        int checkpoints = config.logSize() / config.checkpointInterval() + 2;
        CodecLimits draft = new CodecLimits(n, tagLength, config.maxOperationBytes(), config.maxResultBytes(),
                config.maxBatchRequests(), config.maxBatchBytes(), DEFAULT_MAX_NON_DET_BYTES, n,
                DEFAULT_MAX_KEY_SHARE_BYTES, DEFAULT_MAX_SIGNATURE_BYTES, words, checkpoints, config.logSize(),
                config.f() + 2, NO_FRAME_CAP);
        return draft;
    }

    /** {@link #maxFrameBytes} that adds no cap to the wire's own bound. */
    public static final int NO_FRAME_CAP = Integer.MAX_VALUE - 64;

    public CodecLimits withMaxFrameBytes(int max) {
        return new CodecLimits(replicaCount, tagLength, maxOperationBytes, maxResultBytes, maxBatchRequests,
                maxBatchBytes, maxNonDetBytes, maxNewKeyShares, maxKeyShareBytes, maxSignatureBytes, maxStatusWords,
                maxCheckpoints, maxLogEntries, maxQPairs, max);
    }

    /** Bytes of a request's client authenticator: one tag per replica. */
    public int requestAuthBytes() { return replicaCount * tagLength; }

    /** The largest body any valid message can have under these limits (capped near 2 GB). */
    public int largestBody() {
        long req = MessageCodec.REQUEST_FIXED_BYTES + (long) requestAuthBytes();
        long request = req + maxOperationBytes;
        // A PRE_PREPARE_BY_DIGEST has the same layout, with some entries references instead of requests.
        long prePrepare = MessageCodec.PRE_PREPARE_FIXED_BYTES + maxNonDetBytes
                + maxBatchRequests * Math.max(req, MessageCodec.REQUEST_REF_BYTES) + Math.min((long) maxBatchBytes, (long) maxBatchRequests * maxOperationBytes);
        long reply = MessageCodec.REPLY_FIXED_BYTES + Math.max(maxResultBytes, 32);
        long status = MessageCodec.STATUS_FIXED_BYTES + 16L * maxStatusWords;
        long newKey = MessageCodec.NEW_KEY_FIXED_BYTES + (long) maxNewKeyShares * (MessageCodec.KEY_SHARE_FIXED_BYTES + maxKeyShareBytes)
                + maxSignatureBytes;
        long viewChange = MessageCodec.VIEW_CHANGE_FIXED_BYTES + (long) maxCheckpoints * MessageCodec.CHECKPOINT_REF_BYTES
                + (long) maxLogEntries * (MessageCodec.PREPARED_ENTRY_BYTES + MessageCodec.Q_ENTRY_FIXED_BYTES
                        + (long) maxQPairs * MessageCodec.DIGEST_VIEW_BYTES);
        long newView = MessageCodec.NEW_VIEW_FIXED_BYTES + (long) replicaCount * MessageCodec.VIEW_CHANGE_REF_BYTES
                + (long) maxLogEntries * Digest.LENGTH;
        long fixed = Math.max(MessageCodec.PREPARE_BYTES, Math.max(MessageCodec.VIEW_CHANGE_ACK_BYTES, MessageCodec.FETCH_BATCH_BYTES));
        long stateTransfer = Math.max(MessageCodec.DATA_BYTES,
                MessageCodec.META_DATA_FIXED_BYTES + (long) PartitionTree.FANOUT * MessageCodec.PARTITION_BYTES);
        long statusReport = MessageCodec.STATUS_REPORT_FIXED_BYTES
                + (long) MessageCodec.STATUS_REPORT_MAX_COUNTERS * (1 + MessageCodec.STATUS_REPORT_MAX_NAME + 8);
        long body = max(request, prePrepare, reply, status, newKey, viewChange, newView, fixed, stateTransfer, statusReport);
        return (int) Math.min(body, NO_FRAME_CAP);
    }

    private static long max(long... sizes) {
        long m = 0;
        for (long s : sizes) m = Math.max(m, s);
        return m;
    }
}
