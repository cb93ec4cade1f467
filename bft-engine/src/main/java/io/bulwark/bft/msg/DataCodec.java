package io.bulwark.bft.msg;

import static io.bulwark.bft.msg.BodyWriter.*;
import static io.bulwark.bft.msg.MessageCodec.*;

import io.bulwark.bft.state.PartitionTree;

/** DATA: [i32 page][i64 lm][4096 value] (section 4.6.2). */
final class DataCodec implements BodyCodec<Data> {
    static final DataCodec INSTANCE = new DataCodec();

    private DataCodec() {}

    @Override public int size(Data d) {
        if (d.value() == null || d.value().length != PartitionTree.PAGE_SIZE)
            throw new IllegalArgumentException("a page is " + PartitionTree.PAGE_SIZE + " bytes");
        return DATA_BYTES;
    }

    @Override public int write(Data d, byte[] out, int off) {
        int o = putInt(out, off, d.page());
        o = putLong(out, o, d.lm());
        System.arraycopy(d.value(), 0, out, o, PartitionTree.PAGE_SIZE);
        return o + PartitionTree.PAGE_SIZE;
    }

    @Override public Data read(BodyReader in) throws DecodeException {
        return new Data(in.index("page"), in.i64(), in.bytes(PartitionTree.PAGE_SIZE, PartitionTree.PAGE_SIZE, "page"));
    }
}
