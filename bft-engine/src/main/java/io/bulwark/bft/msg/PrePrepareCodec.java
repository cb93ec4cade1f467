package io.bulwark.bft.msg;

import static io.bulwark.bft.msg.BodyWriter.*;
import static io.bulwark.bft.msg.MessageCodec.*;

import io.bulwark.bft.crypto.Digest;
import java.util.List;

/**
 * PRE-PREPARE: [i64 view][i64 seq][32 digest][u16 nonDetLen][nonDet][u16 count][count REQUESTs].
 * The operations of the batch together are bounded by maxBatchBytes, each by maxOperationBytes.
 */
final class PrePrepareCodec implements BodyCodec<PrePrepare> {
    static final PrePrepareCodec INSTANCE = new PrePrepareCodec();

    private PrePrepareCodec() {}

    @Override public int size(PrePrepare p) {
        long size = PRE_PREPARE_FIXED_BYTES + (long) u16Len(p.nonDet(), "nonDet");
        List<Request> batch = p.batch();
        if (batch == null || batch.size() > 0xffff) throw new IllegalArgumentException("batch missing or too large");
        for (Request r : batch) size += RequestCodec.INSTANCE.size(r);
        return checkedSize(size);
    }

    @Override public int write(PrePrepare p, byte[] out, int off) {
        int o = putLong(out, off, p.view());
        o = putLong(out, o, p.seq());
        o = putDigest(out, o, p.digest());
        o = putBytes16(out, o, p.nonDet());
        o = putShort(out, o, p.batch().size());
        for (Request r : p.batch()) o = RequestCodec.INSTANCE.write(r, out, o);
        return o;
    }

    @Override public PrePrepare read(BodyReader in) throws DecodeException {
        CodecLimits limits = in.limits;
        long view = in.view();
        long seq = in.seq();
        Digest digest = in.digest();
        byte[] nonDet = in.bytes(in.u16(), limits.maxNonDetBytes(), "nonDet");
        int count = in.count(in.u16(), limits.maxBatchRequests(), REQUEST_FIXED_BYTES + limits.requestAuthBytes(), "batch");
        Request[] batch = new Request[count];
        int budget = limits.maxBatchBytes();
        for (int i = 0; i < count; i++) {
            Request r = RequestCodec.read(in, Math.min(limits.maxOperationBytes(), budget));
            budget -= r.operation().length;
            batch[i] = r;
        }
        return new PrePrepare(view, seq, digest, nonDet, BodyReader.list(batch));
    }
}
