package io.bulwark.bft.msg;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.bulwark.bft.config.ProtocolConfig;
import io.bulwark.bft.crypto.Digest;
import io.bulwark.bft.state.Partition;
import io.bulwark.bft.state.PartitionTree;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;

/**
 * The wire format, byte for byte: one fixed message of every type and the exact bytes of its
 * self-describing encoding ([u8 type][body]), recorded from the codec before the message table
 * replaced its instanceof chains. A change to any of these strings is a change of the wire format
 * (replicas of two builds would stop understanding each other): it must be deliberate, with a new
 * frame version. Each one also decodes back to an equal message.
 */
class GoldenBytesTest {
    static final CodecLimits LIMITS = CodecLimits.of(ProtocolConfig.defaults(1), 16); // n = 4, 16-byte tags
    private static final HexFormat HEX = HexFormat.of();

    /** A digest whose bytes are {@code b, b+1, ...}: distinct per field, easy to spot in the hex. */
    static Digest d(int b) {
        byte[] x = new byte[Digest.LENGTH];
        for (int i = 0; i < x.length; i++) x[i] = (byte) (b + i);
        return new Digest(x);
    }

    static byte[] bytes(int len, int first) {
        byte[] x = new byte[len];
        for (int i = 0; i < len; i++) x[i] = (byte) (first + i);
        return x;
    }

    static Request request(boolean readOnly, int replier) {
        return new Request(7, 0x0102030405L, readOnly, replier, bytes(3, 0x61), bytes(LIMITS.requestAuthBytes(), 0x80));
    }

    /** One sample of every message type, in type-code order. */
    static Map<String, Message> samples() {
        Map<String, Message> m = new LinkedHashMap<>();
        m.put("REQUEST", request(true, Request.ALL_REPLY));
        m.put("PRE_PREPARE", new PrePrepare(2, 130, d(0x10), bytes(2, 0xee), List.of(request(false, 1), request(true, 3))));
        m.put("PREPARE", new Prepare(3, 131, d(0x20), 2));
        m.put("COMMIT", new Commit(4, 132, d(0x30), 3));
        m.put("REPLY", new Reply(5, 0x0102030405L, 7, 1, true, false, bytes(5, 0x41)));
        m.put("REPLY_DIGEST_ONLY", new Reply(5, 9, 8, 2, false, true, d(0x50).bytes()));
        m.put("CHECKPOINT", new Checkpoint(256, d(0x60), 0));
        m.put("STATUS", new Status(6, 1, false, 128, 140, 0b1011, new long[] {0x8000000000000001L}, new long[] {3, 4}));
        m.put("NEW_KEY", new NewKey(5, 77, List.of(new NewKey.KeyShare(0, bytes(3, 1)), new NewKey.KeyShare(2, bytes(1, 9))),
                bytes(4, 0xa0)));
        m.put("VIEW_CHANGE", new ViewChange(7, 2, 128,
                List.of(new ViewChange.CheckpointRef(128, d(0x70)), new ViewChange.CheckpointRef(256, d(0x71))),
                List.of(new ViewChange.PreparedEntry(129, d(0x72), 6)),
                List.of(new ViewChange.PrePreparedEntry(129, List.of(new ViewChange.DigestView(d(0x72), 6))),
                        new ViewChange.PrePreparedEntry(130, List.of(new ViewChange.DigestView(d(0x73), 5),
                                new ViewChange.DigestView(d(0x74), 4))))));
        m.put("VIEW_CHANGE_ACK", new ViewChangeAck(7, 1, 2, d(0x80)));
        m.put("NEW_VIEW", new NewView(7, List.of(new NewView.ViewChangeRef(0, d(0x90)), new NewView.ViewChangeRef(3, d(0x91))),
                128, d(0x92), List.of(d(0x93), NewView.NULL_REQUEST)));
        m.put("FETCH_BATCH", new FetchBatch(1, 133, d(0xa0)));
        m.put("FETCH", new Fetch(2, 256, 1, 300));
        m.put("META_DATA", new MetaData(256, 1, 2, 3, List.of(new Partition(128, d(0xb0)), new Partition(256, d(0xb1)))));
        byte[] page = new byte[PartitionTree.PAGE_SIZE];
        page[0] = 1;
        page[PartitionTree.PAGE_SIZE - 1] = (byte) 0xff;
        m.put("DATA", new Data(9, 256, page));
        m.put("AUTH_FAILURE", new AuthFailure(1, 2, 133, 9, 0x0102030405L));
        m.put("BIND_CHALLENGE", new BindChallenge(3, 0x1122334455667788L, -2));
        m.put("BIND_PROOF", new BindProof(6, 0, 1, 2, 3, -4));
        m.put("SUSPECT", new Suspect(7, 2));
        m.put("KEY_ACK", new KeyAck(2, 9, 0x0102030405L));
        m.put("STATUS_QUERY", new StatusQuery(9, -3));
        m.put("STATUS_REPORT", new StatusReport(1, 9, 7, 3, true, false, true, 130, 128, 2, 1, 5,
                List.of(new StatusReport.Counter("rejected.BAD_MAC", 4), new StatusReport.Counter("q", 1))));
        m.put("QUERY_STABLE", new QueryStable(3, 0x0102030405060708L));
        m.put("REPLY_STABLE", new ReplyStable(1, 3, 0x0102030405060708L, 256, 300));
        m.put("PRE_PREPARE_BY_DIGEST", new PrePrepareByDigest(2, 130, d(0x10), bytes(2, 0xee),
                List.of(request(false, 1), new RequestRef(7, 0x0102030405L, false, 3, d(0x90)))));
        return m;
    }

    /** The recorded encodings, as hex, by sample name. */
    static final Map<String, String> GOLDEN = new LinkedHashMap<>();
    static {
        GOLDEN.put("REQUEST", "01a1000000070000000102030405ffffffff000000036162630040808182838485868788898a8b8c8d8e8f9091929394"
                + "95969798999a9b9c9d9e9fa0a1a2a3a4a5a6a7a8a9aaabacadaeafb0b1b2b3b4b5b6b7b8b9babbbcbdbebf");
        GOLDEN.put("PRE_PREPARE", "0200000000000000020000000000000082101112131415161718191a1b1c1d1e1f202122232425262728292a2b2c2d2e"
                + "2f0002eeef0002a000000007000000010203040500000001000000036162630040808182838485868788898a8b8c8d8e"
                + "8f909192939495969798999a9b9c9d9e9fa0a1a2a3a4a5a6a7a8a9aaabacadaeafb0b1b2b3b4b5b6b7b8b9babbbcbdbe"
                + "bfa100000007000000010203040500000003000000036162630040808182838485868788898a8b8c8d8e8f9091929394"
                + "95969798999a9b9c9d9e9fa0a1a2a3a4a5a6a7a8a9aaabacadaeafb0b1b2b3b4b5b6b7b8b9babbbcbdbebf");
        GOLDEN.put("PREPARE", "0300000000000000030000000000000083202122232425262728292a2b2c2d2e2f303132333435363738393a3b3c3d3e"
                + "3f00000002");
        GOLDEN.put("COMMIT", "0400000000000000040000000000000084303132333435363738393a3b3c3d3e3f404142434445464748494a4b4c4d4e"
                + "4f00000003");
        GOLDEN.put("REPLY", "0501000000000000000500000001020304050000000700000001000000054142434445");
        GOLDEN.put("REPLY_DIGEST_ONLY", "050200000000000000050000000000000009000000080000000200000020505152535455565758595a5b5c5d5e5f6061"
                + "62636465666768696a6b6c6d6e6f");
        GOLDEN.put("CHECKPOINT", "060000000000000100606162636465666768696a6b6c6d6e6f707172737475767778797a7b7c7d7e7f00000000");
        GOLDEN.put("STATUS", "07000000000000000600000001000000000000000080000000000000008c000000000000000b00018000000000000001"
                + "000200000000000000030000000000000004");
        GOLDEN.put("NEW_KEY", "0800000005000000000000004d0002000000000003010203000000020001090004a0a1a2a3");
        GOLDEN.put("VIEW_CHANGE", "09000000000000000700000002000000000000008000020000000000000080707172737475767778797a7b7c7d7e7f80"
                + "8182838485868788898a8b8c8d8e8f00000000000001007172737475767778797a7b7c7d7e7f80818283848586878889"
                + "8a8b8c8d8e8f900001000000000000008172737475767778797a7b7c7d7e7f808182838485868788898a8b8c8d8e8f90"
                + "91000000000000000600020000000000000081000172737475767778797a7b7c7d7e7f808182838485868788898a8b8c"
                + "8d8e8f9091000000000000000600000000000000820002737475767778797a7b7c7d7e7f808182838485868788898a8b"
                + "8c8d8e8f90919200000000000000057475767778797a7b7c7d7e7f808182838485868788898a8b8c8d8e8f9091929300"
                + "00000000000004");
        GOLDEN.put("VIEW_CHANGE_ACK", "0a00000000000000070000000100000002808182838485868788898a8b8c8d8e8f909192939495969798999a9b9c9d9e"
                + "9f");
        GOLDEN.put("NEW_VIEW", "0b0000000000000007000200000000909192939495969798999a9b9c9d9e9fa0a1a2a3a4a5a6a7a8a9aaabacadaeaf00"
                + "0000039192939495969798999a9b9c9d9e9fa0a1a2a3a4a5a6a7a8a9aaabacadaeafb000000000000000809293949596"
                + "9798999a9b9c9d9e9fa0a1a2a3a4a5a6a7a8a9aaabacadaeafb0b10002939495969798999a9b9c9d9e9fa0a1a2a3a4a5"
                + "a6a7a8a9aaabacadaeafb0b1b20000000000000000000000000000000000000000000000000000000000000000");
        GOLDEN.put("FETCH_BATCH", "0c000000010000000000000085a0a1a2a3a4a5a6a7a8a9aaabacadaeafb0b1b2b3b4b5b6b7b8b9babbbcbdbebf");
        GOLDEN.put("FETCH", "0d000000020000000000000100010000012c");
        GOLDEN.put("META_DATA", "0e000000000000010001000000020000000300020000000000000080b0b1b2b3b4b5b6b7b8b9babbbcbdbebfc0c1c2c3"
                + "c4c5c6c7c8c9cacbcccdcecf0000000000000100b1b2b3b4b5b6b7b8b9babbbcbdbebfc0c1c2c3c4c5c6c7c8c9cacbcc"
                + "cdcecfd0");
        GOLDEN.put("DATA", "0f" + "00000009" + "0000000000000100" + "01" + "00".repeat(PartitionTree.PAGE_SIZE - 2) + "ff");
        GOLDEN.put("AUTH_FAILURE", "100000000100000000000000020000000000000085000000090000000102030405");
        GOLDEN.put("BIND_CHALLENGE", "11000000031122334455667788fffffffffffffffe");
        GOLDEN.put("BIND_PROOF", "120000000600000000000000000000000100000000000000020000000000000003fffffffffffffffc");
        GOLDEN.put("SUSPECT", "13000000000000000700000002");
        GOLDEN.put("KEY_ACK", "14000000020000000900000001" + "02030405");
        GOLDEN.put("STATUS_QUERY", "15" + "00000009" + "fffffffffffffffd");
        GOLDEN.put("STATUS_REPORT", "16" + "00000001" + "00000009" + "0000000000000007" + "0000000000000003" + "05"
                + "0000000000000082" + "0000000000000080" + "0000000000000002" + "0000000000000001" + "0000000000000005" + "02"
                + "10" + "72656a65637465642e4241445f4d4143" + "0000000000000004" + "01" + "71" + "0000000000000001");
        GOLDEN.put("QUERY_STABLE", "17" + "00000003" + "0102030405060708");
        GOLDEN.put("REPLY_STABLE", "18" + "00000001" + "00000003" + "0102030405060708" + "0000000000000100" + "000000000000012c");
        GOLDEN.put("PRE_PREPARE_BY_DIGEST", "1900000000000000020000000000000082101112131415161718191a1b1c1d1e1f202122232425262728292a2b2c2d2e"
                + "2f0002eeef0002a000000007000000010203040500000001000000036162630040808182838485868788898a8b8c8d8e"
                + "8f909192939495969798999a9b9c9d9e9fa0a1a2a3a4a5a6a7a8a9aaabacadaeafb0b1b2b3b4b5b6b7b8b9babbbcbdbe"
                + "bfb000000007000000010203040500000003909192939495969798999a9b9c9d9e9fa0a1a2a3a4a5a6a7a8a9aaabacad"
                + "aeaf");
    }

    @Test
    void everyMessageTypeEncodesToItsRecordedBytes() throws DecodeException {
        MessageCodec codec = new MessageCodec(LIMITS);
        Map<String, Message> samples = samples();
        assertEquals(GOLDEN.keySet(), samples.keySet());
        for (var e : samples.entrySet()) {
            Message m = e.getValue();
            byte[] enc = MessageCodec.encode(m);
            assertEquals(GOLDEN.get(e.getKey()), HEX.formatHex(enc), e.getKey());
            assertEquals(1 + MessageCodec.bodySize(m), enc.length, e.getKey());
            Message back = codec.decode(enc, 0, enc.length);
            assertTrue(RandomMessages.same(m, back), e.getKey());
        }
    }

    /** The samples cover every type code the codec knows, so no message escapes this check. */
    @Test
    void theSamplesCoverEveryMessageType() {
        Set<Integer> covered = new TreeSet<>();
        for (Message m : samples().values()) covered.add((int) MessageCodec.encode(m)[0]);
        Set<Integer> known = new TreeSet<>();
        for (int type = 0; type < 256; type++) if (MessageCodec.isKnownType(type)) known.add(type);
        assertEquals(known, covered);
        assertEquals(Message.class.getPermittedSubclasses().length, covered.size(), "one type code per message record");
    }

    /** The body a frame carries is the self-describing encoding without its type byte. */
    @Test
    void writeBodyWritesTheSameBytesAtAnyOffset() {
        for (var e : samples().entrySet()) {
            Message m = e.getValue();
            byte[] enc = MessageCodec.encode(m);
            byte[] framed = new byte[5 + MessageCodec.bodySize(m) + 3];
            assertEquals(5 + enc.length - 1, MessageCodec.writeBody(m, framed, 5), e.getKey());
            assertEquals(HEX.formatHex(enc, 1, enc.length), HEX.formatHex(framed, 5, framed.length - 3), e.getKey());
        }
    }

    /** The digests the protocol agrees on (request, batch, view-change, result): as fixed as the bytes. */
    @Test
    void theProtocolDigestsAreTheRecordedOnes() {
        Map<String, Message> s = samples();
        PrePrepare pp = (PrePrepare) s.get("PRE_PREPARE");
        Map<String, Digest> digests = new LinkedHashMap<>();
        digests.put("request", MessageCodec.requestDigest((Request) s.get("REQUEST")));
        digests.put("batch", MessageCodec.batchDigest(pp.batch(), pp.nonDet()));
        digests.put("viewChange", MessageCodec.viewChangeDigest((ViewChange) s.get("VIEW_CHANGE")));
        digests.put("result", MessageCodec.resultDigest(bytes(5, 0x41)));
        assertEquals("0e898ff7c34ea175d0bd98e837460ba6e08a56e3411d3aeb9b191e20837d59dc", digests.get("request").toHex());
        assertEquals("3d08cc68349cf338736fd8fc97681b3d5b653450c8632f18764fa37963c5ea5f", digests.get("batch").toHex());
        assertEquals("f9c9532616cbd95e19c8c042a5646c3def70eccc830d56d02385be42e5c93cf2", digests.get("viewChange").toHex());
        assertEquals("47b77ebf306553c0532ba40a858d8fc1663ba6581f6c688ae9b025f7bfed5c55", digests.get("result").toHex());
        // A pre-prepare that names a request by digest hashes to the batch digest of the full one.
        PrePrepare carried = new PrePrepare(2, 130, d(0x10), pp.nonDet(), List.of(request(false, 1), request(false, 3)));
        PrePrepareByDigest named = PrePrepareByDigest.of(carried, 1);
        assertTrue(named.batch().stream().allMatch(RequestRef.class::isInstance));
        assertEquals(MessageCodec.batchDigest(carried.batch(), carried.nonDet()), named.batchDigest());
    }
}
