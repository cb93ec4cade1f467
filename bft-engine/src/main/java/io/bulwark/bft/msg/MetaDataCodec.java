package io.bulwark.bft.msg;

import static io.bulwark.bft.msg.BodyWriter.*;
import static io.bulwark.bft.msg.MessageCodec.*;

import io.bulwark.bft.state.Partition;
import io.bulwark.bft.state.PartitionTree;

/** META-DATA: [i64 checkpoint][u8 level][i32 index][i32 replica][u16 count 1..256] count * ([i64 lm][32 digest]) (section 4.6.2). */
final class MetaDataCodec implements BodyCodec<MetaData> {
    static final MetaDataCodec INSTANCE = new MetaDataCodec();

    private MetaDataCodec() {}

    @Override public int size(MetaData d) {
        u8("level", d.level());
        int count = u16Count(d.children(), "children");
        if (count < 1 || count > PartitionTree.FANOUT) throw new IllegalArgumentException("meta-data with " + count + " children");
        return META_DATA_FIXED_BYTES + count * PARTITION_BYTES;
    }

    @Override public int write(MetaData d, byte[] out, int off) {
        int o = putLong(out, off, d.checkpoint());
        o = putByte(out, o, d.level());
        o = putInt(out, o, d.index());
        o = putInt(out, o, d.replica());
        o = putShort(out, o, d.children().size());
        for (Partition p : d.children()) {
            o = putLong(out, o, p.lm());
            o = putDigest(out, o, p.digest());
        }
        return o;
    }

    @Override public MetaData read(BodyReader in) throws DecodeException {
        long checkpoint = in.seq();
        int level = in.u8();
        int index = in.index("partition");
        int replica = in.replica();
        int count = in.u16();
        if (count == 0) throw BodyReader.bad("meta-data without children");
        count = in.count(count, PartitionTree.FANOUT, PARTITION_BYTES, "children");
        Partition[] children = new Partition[count];
        for (int i = 0; i < count; i++) {
            long lm = in.i64();
            // lm is a checkpoint sequence number, or UNKNOWN_LM never: a replier only serves checkpoints.
            children[i] = new Partition(BodyReader.nonNegative(lm, "lm"), in.digest());
        }
        return new MetaData(checkpoint, level, index, replica, BodyReader.list(children));
    }
}
