package io.bulwark.bft.msg;

import static io.bulwark.bft.msg.BodyWriter.*;
import static io.bulwark.bft.msg.MessageCodec.*;

import io.bulwark.bft.crypto.Digest;
import java.util.List;

/**
 * PRE_PREPARE_BY_DIGEST: a PRE-PREPARE's header, then each entry either a REQUEST (its first byte is
 * 0xA0 | readOnly) or a reference [u8 0xB0 | readOnly][i32 client][i64 timestamp][i32 replier]
 * [32 request digest]. The inline operations are bounded together by maxBatchBytes, the entries by
 * maxBatchRequests; a reference carries no operation, so it adds nothing to the byte budget.
 */
final class PrePrepareByDigestCodec implements BodyCodec<PrePrepareByDigest> {
    static final PrePrepareByDigestCodec INSTANCE = new PrePrepareByDigestCodec();
    static final int REF_MARK = 0xB0;

    private PrePrepareByDigestCodec() {}

    @Override public int size(PrePrepareByDigest p) {
        long size = PRE_PREPARE_FIXED_BYTES + (long) u16Len(p.nonDet(), "nonDet");
        List<BatchEntry> batch = p.batch();
        if (batch == null || batch.size() > 0xffff) throw new IllegalArgumentException("batch missing or too large");
        for (BatchEntry e : batch) size += e instanceof Request q ? RequestCodec.INSTANCE.size(q) : REQUEST_REF_BYTES;
        return checkedSize(size);
    }

    @Override public int write(PrePrepareByDigest p, byte[] out, int off) {
        int o = putLong(out, off, p.view());
        o = putLong(out, o, p.seq());
        o = putDigest(out, o, p.digest());
        o = putBytes16(out, o, p.nonDet());
        o = putShort(out, o, p.batch().size());
        for (BatchEntry e : p.batch()) {
            if (e instanceof Request q) {
                o = RequestCodec.INSTANCE.write(q, out, o);
            } else {
                RequestRef ref = (RequestRef) e;
                o = putByte(out, o, REF_MARK | (ref.readOnly() ? RequestCodec.READ_ONLY : 0));
                o = putInt(out, o, ref.client());
                o = putLong(out, o, ref.timestamp());
                o = putInt(out, o, ref.replier());
                o = putDigest(out, o, ref.digest());
            }
        }
        return o;
    }

    @Override public PrePrepareByDigest read(BodyReader in) throws DecodeException {
        CodecLimits limits = in.limits;
        long view = in.view();
        long seq = in.seq();
        Digest digest = in.digest();
        byte[] nonDet = in.bytes(in.u16(), limits.maxNonDetBytes(), "nonDet");
        int minEntry = Math.min(REQUEST_REF_BYTES, REQUEST_FIXED_BYTES + limits.requestAuthBytes());
        int count = in.count(in.u16(), limits.maxBatchRequests(), minEntry, "batch");
        BatchEntry[] batch = new BatchEntry[count];
        int budget = limits.maxBatchBytes();
        for (int i = 0; i < count; i++) {
            if ((in.peekU8() & ~RequestCodec.READ_ONLY) == REF_MARK) {
                boolean readOnly = (in.u8() & RequestCodec.READ_ONLY) != 0;
                int client = in.i32();
                long timestamp = BodyReader.nonNegative(in.i64(), "timestamp");
                int replier = in.i32();
                if (replier != Request.ALL_REPLY && (replier < 0 || replier >= limits.replicaCount())) throw BodyReader.bad("replier " + replier);
                batch[i] = new RequestRef(client, timestamp, readOnly, replier, in.digest());
            } else {
                Request r = RequestCodec.read(in, Math.min(limits.maxOperationBytes(), budget));
                budget -= r.operation().length;
                batch[i] = r;
            }
        }
        return new PrePrepareByDigest(view, seq, digest, nonDet, BodyReader.list(batch));
    }
}
