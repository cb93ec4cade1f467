package io.bulwark.bft.msg;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import io.bulwark.bft.config.ProtocolConfig;
import io.bulwark.bft.crypto.Digest;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class MessageCodecTest {
    static final CodecLimits LIMITS = CodecLimits.of(ProtocolConfig.defaults(1), 16);
    final MessageCodec codec = new MessageCodec(LIMITS);
    final RandomMessages gen = new RandomMessages(new SplittableRandom(1), LIMITS);

    @Test
    void everyTypeRoundTripsWithRandomFields() throws DecodeException {
        for (int type = MessageType.REQUEST.code(); type <= MessageCodec.LAST_TYPE; type++) {
            for (int i = 0; i < 2_000; i++) {
                Message m = gen.of(type);
                byte[] enc = MessageCodec.encode(m);
                assertEquals(1 + MessageCodec.bodySize(m), enc.length);
                assertEquals(type, enc[0]);
                Message back = codec.decode(enc, 0, enc.length);
                assertTrue(RandomMessages.same(m, back), () -> m + " vs " + back);
                assertArrayEquals(enc, MessageCodec.encode(back));
            }
        }
    }

    @Test
    void decodesFromTheMiddleOfABuffer() throws DecodeException {
        Message m = gen.prePrepare(3);
        byte[] enc = MessageCodec.encode(m);
        byte[] big = new byte[enc.length + 40];
        Arrays.fill(big, (byte) 0x5a);
        System.arraycopy(enc, 0, big, 17, enc.length);
        assertTrue(RandomMessages.same(m, codec.decode(big, 17, enc.length)));
    }

    @Test
    void everyTruncationIsRejectedAsTruncated() {
        for (int type = MessageType.REQUEST.code(); type <= MessageCodec.LAST_TYPE; type++) {
            for (int i = 0; i < 40; i++) {
                byte[] enc = MessageCodec.encode(gen.of(type));
                for (int len = 0; len < enc.length; len++) {
                    assertEquals(RejectReason.TRUNCATED, reason(enc, 0, len), "type " + type + " cut at " + len);
                }
            }
        }
    }

    @Test
    void trailingBytesAreRejected() {
        for (int type = MessageType.REQUEST.code(); type <= MessageCodec.LAST_TYPE; type++) {
            byte[] enc = MessageCodec.encode(gen.of(type));
            byte[] longer = Arrays.copyOf(enc, enc.length + 1);
            assertEquals(RejectReason.TRAILING_BYTES, reason(longer, 0, longer.length));
        }
    }

    @Test
    void unknownTypesAreRejected() {
        for (int type : new int[] {0, MessageCodec.LAST_TYPE + 1, 100, 255}) {
            byte[] enc = MessageCodec.encode(gen.prepare(1));
            enc[0] = (byte) type;
            assertEquals(RejectReason.UNKNOWN_TYPE, reason(enc, 0, enc.length));
        }
        assertEquals(RejectReason.TRUNCATED, reason(new byte[0], 0, 0));
        assertEquals(RejectReason.TRUNCATED, reason(null, 0, 0));
        assertEquals(RejectReason.TRUNCATED, reason(new byte[4], 2, 5));
        assertEquals(RejectReason.TRUNCATED, reason(new byte[4], -1, 2));
    }

    /** Random bytes and bit flips: only DecodeException, and whatever decodes re-encodes to exactly the input (canonical). */
    @Test
    void randomBytesAndBitFlipsFailClosed() {
        SplittableRandom rnd = new SplittableRandom(7);
        int decoded = 0;
        for (int i = 0; i < 50_000; i++) {
            byte[] b = new byte[rnd.nextInt(120)];
            rnd.nextBytes(b);
            if (b.length > 0) b[0] = (byte) rnd.nextInt(MessageCodec.LAST_TYPE + 2);
            decoded += decodeCanonicallyOrReject(b);
        }
        for (int type = MessageType.REQUEST.code(); type <= MessageCodec.LAST_TYPE; type++) {
            for (int i = 0; i < 20; i++) {
                byte[] enc = MessageCodec.encode(gen.of(type));
                for (int bit = 8; bit < enc.length * 8; bit++) {
                    byte[] flipped = enc.clone();
                    flipped[bit >>> 3] ^= (byte) (1 << (bit & 7));
                    decoded += decodeCanonicallyOrReject(flipped);
                }
            }
        }
        assertTrue(decoded > 0, "flips in opaque fields must still decode");
    }

    private int decodeCanonicallyOrReject(byte[] b) {
        try {
            Message m = codec.decode(b, 0, b.length);
            assertArrayEquals(b, MessageCodec.encode(m), "accepted input must be canonical");
            return 1;
        } catch (DecodeException e) {
            assertTrue(e.reason() != RejectReason.INTERNAL);
            return 0;
        }
    }

    @Test
    void hugeClaimsAreRejectedWithoutAllocating() {
        CodecLimits unbounded = new CodecLimits(4, 16, Integer.MAX_VALUE, Integer.MAX_VALUE, 0xffff, Integer.MAX_VALUE,
                0xffff, 0xffff, 0xffff, 0xffff, 0xffff, 0xffff, 0xffff, 0xffff, Integer.MAX_VALUE);
        MessageCodec lax = new MessageCodec(unbounded);
        // REQUEST claiming a 2 GB operation: 22 bytes in all.
        byte[] request = hugeRequest();
        // PRE-PREPARE claiming 65535 requests; STATUS claiming 65535 words; NEW-KEY claiming 65535 shares.
        byte[] pp = new byte[1 + 8 + 8 + 32 + 2 + 2];
        pp[0] = (byte) MessageType.PRE_PREPARE.code();
        pp[pp.length - 2] = (byte) 0xff;
        pp[pp.length - 1] = (byte) 0xff;
        byte[] status = new byte[1 + MessageCodec.STATUS_FIXED_BYTES - 2]; // up to and including the first word count
        status[0] = (byte) MessageType.STATUS.code();
        status[status.length - 2] = (byte) 0xff;
        status[status.length - 1] = (byte) 0xff;
        byte[] newKey = new byte[1 + 4 + 8 + 2];
        newKey[0] = (byte) MessageType.NEW_KEY.code();
        newKey[newKey.length - 2] = (byte) 0xff;
        newKey[newKey.length - 1] = (byte) 0xff;
        byte[] reply = new byte[1 + MessageCodec.REPLY_FIXED_BYTES];
        reply[0] = (byte) MessageType.REPLY.code();
        putInt(reply, reply.length - 4, Integer.MAX_VALUE);
        // VIEW-CHANGE claiming 65535 checkpoints; one whose only Q entry claims 65535 pairs; NEW-VIEW claiming 65535 selected.
        byte[] vc = new byte[1 + MessageCodec.VIEW_CHANGE_FIXED_BYTES - 4];
        vc[0] = (byte) MessageType.VIEW_CHANGE.code();
        vc[vc.length - 2] = (byte) 0xff;
        vc[vc.length - 1] = (byte) 0xff;
        int pairsAt = 1 + MessageCodec.VIEW_CHANGE_FIXED_BYTES + 8; // after the Q count and the entry's seq
        byte[] vcPairs = new byte[pairsAt + 2 + MessageCodec.DIGEST_VIEW_BYTES]; // room for one pair: the count is read
        vcPairs[0] = (byte) MessageType.VIEW_CHANGE.code();
        vcPairs[pairsAt - 9] = 1;
        vcPairs[pairsAt] = (byte) 0xff;
        vcPairs[pairsAt + 1] = (byte) 0xff;
        byte[] nv = new byte[1 + MessageCodec.NEW_VIEW_FIXED_BYTES];
        nv[0] = (byte) MessageType.NEW_VIEW.code();
        nv[nv.length - 2] = (byte) 0xff;
        nv[nv.length - 1] = (byte) 0xff;

        assertEquals(RejectReason.OVERSIZED, reason(codec, request));
        assertEquals(RejectReason.OVERSIZED, reason(codec, pp));
        assertEquals(RejectReason.OVERSIZED, reason(codec, status));
        assertEquals(RejectReason.OVERSIZED, reason(codec, newKey));
        assertEquals(RejectReason.OVERSIZED, reason(codec, reply));
        assertEquals(RejectReason.OVERSIZED, reason(codec, vc));
        assertEquals(RejectReason.OVERSIZED, reason(codec, vcPairs));
        assertEquals(RejectReason.OVERSIZED, reason(codec, nv));
        List<byte[]> all = List.of(request, pp, status, newKey, reply, vc, vcPairs, nv);
        for (byte[] b : all) assertEquals(RejectReason.TRUNCATED, reason(lax, b));

        // Bounded by allocation, not by wall-clock time (a test never fails because the machine is slow).
        long before = Allocation.allocatedBytes();
        for (int i = 0; i < 1_000; i++) {
            for (byte[] b : all) {
                reason(codec, b);
                reason(lax, b);
            }
        }
        long allocated = Allocation.allocatedBytes() - before;
        // 16,000 rejections: a few hundred bytes each (exception, detail string, a Digest), never the claimed sizes.
        if (before >= 0) assertTrue(allocated < 16L << 20, "allocated " + allocated + " bytes");
    }

    private static byte[] hugeRequest() {
        byte[] b = new byte[1 + MessageCodec.REQUEST_AUTHED_FIXED_BYTES];
        b[0] = (byte) MessageType.REQUEST.code();
        b[1] = (byte) 0xA0;
        putInt(b, 2, 7);                 // client
        putInt(b, 1 + 1 + 4 + 8, 0);     // replier
        putInt(b, b.length - 4, Integer.MAX_VALUE); // operation length: 2 GB
        return b;
    }

    @Test
    void fieldsOutsideTheirDomainAreBadFields() {
        Request r = gen.request();
        assertBad(r, 1, (byte) 0x00);                                       // request flags without the 0xA0 mark
        assertBad(r, 1, (byte) 0xA2);                                       // unknown request flag
        assertBad(new Request(7, 1, false, LIMITS.replicaCount(), new byte[1], new byte[LIMITS.requestAuthBytes()]));
        assertBad(new Request(7, 1, false, -2, new byte[1], new byte[LIMITS.requestAuthBytes()]));
        assertBad(new Request(7, -1, false, 0, new byte[1], new byte[LIMITS.requestAuthBytes()]));
        assertBad(new Request(7, 1, false, 0, new byte[1], new byte[LIMITS.requestAuthBytes() - 1]));
        assertBad(new Prepare(-1, 0, Digest.ZERO, 0));
        assertBad(new Commit(0, -5, Digest.ZERO, 0));
        assertBad(new Prepare(0, 0, Digest.ZERO, LIMITS.replicaCount()));
        assertBad(new Checkpoint(0, Digest.ZERO, -1));
        assertBad(new Status(0, 9, true, 0, 0, 0, new long[0], new long[0]));
        assertBad(new Status(0, 1, true, -1, 0, 0, new long[0], new long[0]));
        Reply reply = gen.reply(1, 7);
        assertBad(reply, 1, (byte) 0x04);                                   // unknown reply flag
        byte[] enc = MessageCodec.encode(new Reply(0, 0, 7, 1, false, false, new byte[31]));
        enc[1] = 0x02;                                                      // digest-only with 31 bytes
        assertEquals(RejectReason.BAD_FIELD, reason(enc, 0, enc.length));
        byte[] ct = {1};
        assertBad(new NewKey(0, 1, List.of(new NewKey.KeyShare(2, ct), new NewKey.KeyShare(1, ct)), ct));  // not increasing
        assertBad(new NewKey(0, 1, List.of(new NewKey.KeyShare(1, ct), new NewKey.KeyShare(1, ct)), ct));  // duplicate
        assertBad(new NewKey(1, 1, List.of(new NewKey.KeyShare(1, ct)), ct));                               // share to self
        assertBad(new NewKey(0, 1, List.of(new NewKey.KeyShare(4, ct)), ct));                               // not a replica
        assertBad(new NewKey(0, 1, List.of(new NewKey.KeyShare(1, new byte[0])), ct));                      // empty ciphertext
        assertBad(new NewKey(0, 1, List.of(new NewKey.KeyShare(1, ct)), new byte[0]));                      // empty signature
        assertBad(new NewKey(-3, 1, List.of(), ct));
        assertBad(new NewKey(0, -1, List.of(), ct));
    }

    // Shorthands for view-change parts.
    private static ViewChange.CheckpointRef ckpt(long seq) { return new ViewChange.CheckpointRef(seq, Digest.ZERO); }

    private static ViewChange.PreparedEntry prep(long seq, long view) { return new ViewChange.PreparedEntry(seq, Digest.ZERO, view); }

    private static ViewChange.PrePreparedEntry pp(long seq, ViewChange.DigestView... pairs) {
        return new ViewChange.PrePreparedEntry(seq, List.of(pairs));
    }

    private static ViewChange.DigestView dv(int digestByte, long view) { return new ViewChange.DigestView(digest(digestByte), view); }

    private static Digest digest(int b) {
        byte[] d = new byte[Digest.LENGTH];
        d[Digest.LENGTH - 1] = (byte) b;
        return new Digest(d);
    }

    private static ViewChange vc(long view, int replica, long stable, List<ViewChange.CheckpointRef> c,
                                 List<ViewChange.PreparedEntry> p, List<ViewChange.PrePreparedEntry> q) {
        return new ViewChange(view, replica, stable, c, p, q);
    }

    private static NewView.ViewChangeRef ref(int replica) { return new NewView.ViewChangeRef(replica, digest(replica)); }

    @Test
    void viewChangeMessagesOutsideTheirDomainOrOutOfOrderAreBadFields() {
        List<ViewChange.CheckpointRef> noC = List.of();
        List<ViewChange.PreparedEntry> noP = List.of();
        List<ViewChange.PrePreparedEntry> noQ = List.of();
        // The valid shape the cases below break one rule of.
        ViewChange good = vc(3, 1, 128, List.of(ckpt(128), ckpt(256)), List.of(prep(129, 2), prep(131, 1)),
                List.of(pp(129, dv(1, 2), dv(2, 1), dv(0, 0)), pp(130, dv(1, 2))));
        assertTrue(RandomMessages.same(good, decodeOk(codec, good)));
        // Numbers and replica ids.
        assertBad(vc(-1, 1, 0, noC, noP, noQ));
        assertBad(vc(0, 4, 0, noC, noP, noQ));
        assertBad(vc(0, -1, 0, noC, noP, noQ));
        assertBad(vc(0, 1, -1, noC, noP, noQ));
        assertBad(vc(0, 1, 0, List.of(ckpt(-128)), noP, noQ));
        assertBad(vc(0, 1, 0, noC, List.of(prep(-1, 0)), noQ));
        assertBad(vc(0, 1, 0, noC, List.of(prep(1, -1)), noQ));
        assertBad(vc(0, 1, 0, noC, noP, List.of(pp(-1, dv(1, 0)))));
        assertBad(vc(0, 1, 0, noC, noP, List.of(pp(1, dv(1, -1)))));
        // C, P and Q strictly increasing by sequence number: no reordering, no duplicates.
        assertBad(vc(0, 1, 0, List.of(ckpt(256), ckpt(128)), noP, noQ));
        assertBad(vc(0, 1, 0, List.of(ckpt(128), ckpt(128)), noP, noQ));
        assertBad(vc(0, 1, 0, noC, List.of(prep(5, 0), prep(4, 0)), noQ));
        assertBad(vc(0, 1, 0, noC, List.of(prep(5, 0), prep(5, 1)), noQ));
        assertBad(vc(0, 1, 0, noC, noP, List.of(pp(5, dv(1, 0)), pp(4, dv(1, 0)))));
        assertBad(vc(0, 1, 0, noC, noP, List.of(pp(5, dv(1, 0)), pp(5, dv(2, 0)))));
        // A Q entry has at least one pair, and each digest once. (Alone, an empty entry is shorter than the
        // least a Q entry takes and is rejected as TRUNCATED; the next entry supplies the bytes to reach its count.)
        assertEquals(RejectReason.TRUNCATED, reason(codec, MessageCodec.encode(vc(0, 1, 0, noC, noP, List.of(pp(5))))));
        assertBad(vc(0, 1, 0, noC, noP, List.of(pp(5), pp(6, dv(1, 0), dv(2, 0)))));
        assertBad(vc(0, 1, 0, noC, noP, List.of(pp(5, dv(1, 0), dv(1, 1)))));
        assertBad(vc(0, 1, 0, noC, noP, List.of(pp(5, dv(1, 0), dv(2, 0), dv(1, 0)))));

        assertBad(new ViewChangeAck(-1, 1, 2, Digest.ZERO));
        assertBad(new ViewChangeAck(0, 4, 2, Digest.ZERO));
        assertBad(new ViewChangeAck(0, 1, 4, Digest.ZERO));
        assertBad(new ViewChangeAck(0, 1, -1, Digest.ZERO));

        NewView nv = new NewView(5, List.of(ref(0), ref(2), ref(3)), 128, Digest.ZERO, List.of(digest(7), NewView.NULL_REQUEST));
        assertTrue(RandomMessages.same(nv, decodeOk(codec, nv)));
        assertBad(new NewView(-1, List.of(ref(0)), 0, Digest.ZERO, List.of()));
        assertBad(new NewView(0, List.of(ref(0)), -1, Digest.ZERO, List.of()));
        assertBad(new NewView(0, List.of(ref(2), ref(1)), 0, Digest.ZERO, List.of()));   // not increasing
        assertBad(new NewView(0, List.of(ref(1), ref(1)), 0, Digest.ZERO, List.of()));   // duplicate
        assertBad(new NewView(0, List.of(ref(1), ref(4)), 0, Digest.ZERO, List.of()));   // not a replica
        assertBad(new NewView(0, List.of(new NewView.ViewChangeRef(-1, Digest.ZERO)), 0, Digest.ZERO, List.of()));

        assertBad(new FetchBatch(1, 0, Digest.ZERO));
        assertBad(new FetchBatch(1, -1, Digest.ZERO));
        assertBad(new FetchBatch(4, 1, Digest.ZERO));
        assertBad(new FetchBatch(-1, 1, Digest.ZERO));
        assertTrue(RandomMessages.same(new FetchBatch(3, 1, Digest.ZERO), decodeOk(codec, new FetchBatch(3, 1, Digest.ZERO))));

        AuthFailure af = new AuthFailure(2, 3, 7, 4, 99);
        assertTrue(RandomMessages.same(af, decodeOk(codec, af)));
        assertBad(new AuthFailure(4, 3, 7, 4, 99));    // not a replica
        assertBad(new AuthFailure(2, -1, 7, 4, 99));
        assertBad(new AuthFailure(2, 3, 0, 4, 99));    // seq 0 is never a batch
        assertBad(new AuthFailure(2, 3, 7, 3, 99));    // a replica is not a client
        assertBad(new AuthFailure(2, 3, 7, 4, -1));
    }

    @Test
    void limitsAreEnforced() {
        CodecLimits small = new CodecLimits(4, 16, 10, 10, 2, 15, 4, 2, 8, 8, 1, 2, 3, 2, 10_000);
        MessageCodec c = new MessageCodec(small);
        byte[] auth = new byte[small.requestAuthBytes()];
        assertEquals(RejectReason.OVERSIZED, reason(c, MessageCodec.encode(new Request(7, 0, false, 0, new byte[11], auth))));
        Request eight = new Request(7, 0, false, 0, new byte[8], auth);
        assertEquals(RejectReason.OVERSIZED, reason(c, MessageCodec.encode(new PrePrepare(0, 1, Digest.ZERO, new byte[0], List.of(eight, eight)))));
        assertEquals(RejectReason.OVERSIZED, reason(c, MessageCodec.encode(new PrePrepare(0, 1, Digest.ZERO, new byte[0], List.of(eight, eight, eight)))));
        assertEquals(RejectReason.OVERSIZED, reason(c, MessageCodec.encode(new PrePrepare(0, 1, Digest.ZERO, new byte[5], List.of()))));
        assertEquals(RejectReason.OVERSIZED, reason(c, MessageCodec.encode(new Reply(0, 0, 7, 1, false, false, new byte[11]))));
        assertEquals(RejectReason.OVERSIZED, reason(c, MessageCodec.encode(new Status(0, 1, true, 0, 0, 0, new long[2], new long[0]))));
        byte[] ct = {1};
        assertEquals(RejectReason.OVERSIZED, reason(c, MessageCodec.encode(new NewKey(0, 0,
                List.of(new NewKey.KeyShare(1, ct), new NewKey.KeyShare(2, ct), new NewKey.KeyShare(3, ct)), ct))));
        assertEquals(RejectReason.OVERSIZED, reason(c, MessageCodec.encode(new NewKey(0, 0, List.of(new NewKey.KeyShare(1, new byte[9])), ct))));
        assertEquals(RejectReason.OVERSIZED, reason(c, MessageCodec.encode(new NewKey(0, 0, List.of(), new byte[9]))));
        // View-change lists: C at most 2, P, Q and NEW-VIEW's selection at most 3 (L), Q pairs at most 2 (f + 2),
        // NEW-VIEW's V at most n = 4 (here 5 distinct entries, so the count is what rejects it).
        List<ViewChange.CheckpointRef> noC = List.of();
        List<ViewChange.PreparedEntry> noP = List.of();
        List<ViewChange.PrePreparedEntry> noQ = List.of();
        assertEquals(RejectReason.OVERSIZED, reason(c, MessageCodec.encode(vc(0, 1, 0, List.of(ckpt(1), ckpt(2), ckpt(3)), noP, noQ))));
        assertEquals(RejectReason.OVERSIZED, reason(c, MessageCodec.encode(
                vc(0, 1, 0, noC, List.of(prep(1, 0), prep(2, 0), prep(3, 0), prep(4, 0)), noQ))));
        assertEquals(RejectReason.OVERSIZED, reason(c, MessageCodec.encode(
                vc(0, 1, 0, noC, noP, List.of(pp(1, dv(1, 0)), pp(2, dv(1, 0)), pp(3, dv(1, 0)), pp(4, dv(1, 0)))))));
        assertEquals(RejectReason.OVERSIZED, reason(c, MessageCodec.encode(vc(0, 1, 0, noC, noP, List.of(pp(1, dv(1, 0), dv(2, 0), dv(3, 0)))))));
        assertEquals(RejectReason.OVERSIZED, reason(c, MessageCodec.encode(
                new NewView(0, List.of(ref(0), ref(1), ref(2), ref(3), ref(4)), 0, Digest.ZERO, List.of()))));
        assertEquals(RejectReason.OVERSIZED, reason(c, MessageCodec.encode(
                new NewView(0, List.of(), 0, Digest.ZERO, List.of(Digest.ZERO, Digest.ZERO, Digest.ZERO, Digest.ZERO)))));
        // At the limits everything decodes.
        Request seven = new Request(7, 0, false, 0, new byte[7], auth);
        ViewChange.PrePreparedEntry two = pp(0, dv(1, 0), dv(2, 0));
        for (Message m : List.of(new PrePrepare(0, 1, Digest.ZERO, new byte[4], List.of(eight, seven)),
                new Reply(0, 0, 7, 1, false, false, new byte[10]), new Reply(0, 0, 7, 1, false, true, new byte[32]),
                new Status(0, 1, true, 0, 0, 0, new long[1], new long[1]),
                vc(0, 1, 0, List.of(ckpt(0), ckpt(3)), List.of(prep(1, 0), prep(2, 0), prep(3, 0)),
                        List.of(two, pp(1, dv(1, 0), dv(2, 0)), pp(Long.MAX_VALUE, dv(1, 0), dv(2, 0)))),
                new NewView(0, List.of(ref(0), ref(1), ref(2), ref(3)), 0, Digest.ZERO, List.of(Digest.ZERO, Digest.ZERO, Digest.ZERO)))) {
            assertTrue(RandomMessages.same(m, decodeOk(c, m)));
        }
    }

    private static Message decodeOk(MessageCodec c, Message m) {
        byte[] enc = MessageCodec.encode(m);
        try {
            return c.decode(enc, 0, enc.length);
        } catch (DecodeException e) {
            return fail(m + ": " + e);
        }
    }

    @Test
    void defaultLimitsFollowTheConfig() {
        ProtocolConfig cfg = ProtocolConfig.defaults(1);
        assertEquals(4, LIMITS.replicaCount());
        assertEquals(4, LIMITS.maxStatusWords()); // ceil(256 / 64)
        assertEquals(cfg.maxOperationBytes(), LIMITS.maxOperationBytes());
        assertEquals(cfg.maxBatchRequests(), LIMITS.maxBatchRequests());
        assertEquals(cfg.maxBatchBytes(), LIMITS.maxBatchBytes());
        assertEquals(cfg.n(), LIMITS.maxNewKeyShares());
        assertEquals(256 / 128 + 2, LIMITS.maxCheckpoints());
        assertEquals(256, LIMITS.maxLogEntries());
        assertEquals(3, LIMITS.maxQPairs());
        CodecLimits k64 = CodecLimits.of(cfg.withCheckpointInterval(64, 192), 16);
        assertEquals(3, k64.maxStatusWords());
        assertEquals(5, k64.maxCheckpoints());
        assertEquals(192, k64.maxLogEntries());
        assertEquals(7, CodecLimits.of(ProtocolConfig.defaults(5), 16).maxQPairs());
        // A maximal pre-prepare is within the largest body (the wire adds its header and trailer: WireTest).
        List<Request> batch = new ArrayList<>();
        int perRequest = cfg.maxBatchBytes() / cfg.maxBatchRequests();
        for (int i = 0; i < cfg.maxBatchRequests(); i++)
            batch.add(new Request(100 + i, i, false, 0, new byte[perRequest], new byte[LIMITS.requestAuthBytes()]));
        PrePrepare max = new PrePrepare(0, 1, Digest.ZERO, new byte[LIMITS.maxNonDetBytes()], batch);
        assertTrue(MessageCodec.bodySize(max) <= LIMITS.largestBody());
        assertTrue(MessageCodec.bodySize(maxViewChange(LIMITS)) <= LIMITS.largestBody());
        assertTrue(MessageCodec.bodySize(maxNewView(LIMITS)) <= LIMITS.largestBody());
        // With tiny requests and results the largest body is a maximal VIEW-CHANGE, exactly.
        ProtocolConfig tiny = new ProtocolConfig(7, 64, 256, 1, 1, 1, 100, 500, 1_000, 5_000, 1, 1, ProtocolConfig.PAGE_SIZE);
        CodecLimits t = CodecLimits.of(tiny, 16);
        ViewChange maxVc = maxViewChange(t);
        assertEquals(MessageCodec.bodySize(maxVc), t.largestBody());
        assertTrue(RandomMessages.same(maxVc, decodeOk(new MessageCodec(t), maxVc)));
        assertTrue(RandomMessages.same(maxNewView(t), decodeOk(new MessageCodec(t), maxNewView(t))));
        assertThrows(IllegalArgumentException.class, () -> new CodecLimits(256, 16, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 100));
        assertThrows(IllegalArgumentException.class, () -> new CodecLimits(4, 16, 1, 1, 70_000, 1, 1, 1, 1, 1, 1, 1, 1, 1, 100));
        assertThrows(IllegalArgumentException.class, () -> new CodecLimits(4, 16, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 70_000, 1, 100));
    }

    /** Every list of a VIEW-CHANGE at its limit. */
    private static ViewChange maxViewChange(CodecLimits l) {
        List<ViewChange.CheckpointRef> c = new ArrayList<>();
        for (int i = 0; i < l.maxCheckpoints(); i++) c.add(ckpt(i));
        List<ViewChange.PreparedEntry> p = new ArrayList<>();
        List<ViewChange.PrePreparedEntry> q = new ArrayList<>();
        for (int i = 0; i < l.maxLogEntries(); i++) {
            p.add(prep(i + 1, 0));
            ViewChange.DigestView[] pairs = new ViewChange.DigestView[l.maxQPairs()];
            for (int j = 0; j < pairs.length; j++) pairs[j] = dv(j, j);
            q.add(pp(i + 1, pairs));
        }
        return vc(1, 0, 0, c, p, q);
    }

    private static NewView maxNewView(CodecLimits l) {
        List<NewView.ViewChangeRef> v = new ArrayList<>();
        for (int j = 0; j < l.replicaCount(); j++) v.add(ref(j));
        return new NewView(1, v, 0, Digest.ZERO, java.util.Collections.nCopies(l.maxLogEntries(), NewView.NULL_REQUEST));
    }

    @Test
    void viewChangeDigestNamesOneViewChange() {
        ViewChange v = gen.viewChange(2);
        Digest d = MessageCodec.viewChangeDigest(v);
        assertEquals(d, MessageCodec.viewChangeDigest(new ViewChange(v.view(), v.replica(), v.stableSeq(),
                new ArrayList<>(v.checkpoints()), new ArrayList<>(v.prepared()), new ArrayList<>(v.prePrepared()))));
        assertNotEquals(d, MessageCodec.viewChangeDigest(new ViewChange(v.view(), 3, v.stableSeq(), v.checkpoints(), v.prepared(), v.prePrepared())));
        assertNotEquals(d, MessageCodec.viewChangeDigest(new ViewChange(v.view() ^ 1, v.replica(), v.stableSeq(), v.checkpoints(), v.prepared(), v.prePrepared())));
        assertNotEquals(d, MessageCodec.viewChangeDigest(new ViewChange(v.view(), v.replica(), v.stableSeq(), v.checkpoints(), v.prepared(),
                List.of(pp(1, dv(1, 0))))));
        // Domain-separated from the other digests over the same bytes.
        byte[] body = Arrays.copyOfRange(MessageCodec.encode(v), 1, 1 + MessageCodec.bodySize(v));
        assertNotEquals(d, MessageCodec.resultDigest(body));
        assertEquals(d, MessageCodec.viewChangeDigest(v));
    }

    @Test
    void requestDigestCoversClientTimestampReadOnlyAndOperationOnly() {
        byte[] op = {1, 2, 3};
        Request r = new Request(9, 5, false, 0, op, new byte[64]);
        Digest d = MessageCodec.requestDigest(r);
        assertEquals(d, MessageCodec.requestDigest(new Request(9, 5, false, Request.ALL_REPLY, op.clone(), null)));
        assertEquals(d, MessageCodec.requestDigest(r.withAuth(new byte[] {7})));
        assertNotEquals(d, MessageCodec.requestDigest(new Request(10, 5, false, 0, op, null)));
        assertNotEquals(d, MessageCodec.requestDigest(new Request(9, 6, false, 0, op, null)));
        assertNotEquals(d, MessageCodec.requestDigest(new Request(9, 5, true, 0, op, null)));
        assertNotEquals(d, MessageCodec.requestDigest(new Request(9, 5, false, 0, new byte[] {1, 2, 4}, null)));
        assertNotEquals(d, MessageCodec.resultDigest(op));
    }

    @Test
    void aDigestAbandonedByAnExceptionDoesNotLeakIntoTheNext() {
        Request r = gen.request();
        Digest d = MessageCodec.requestDigest(r);
        Digest b = MessageCodec.batchDigest(List.of(r), new byte[] {1});
        Request broken = new Request(r.client(), r.timestamp(), r.readOnly(), r.replier(), null, null);
        assertThrows(NullPointerException.class, () -> MessageCodec.requestDigest(broken));
        assertEquals(d, MessageCodec.requestDigest(r));
        assertThrows(NullPointerException.class, () -> MessageCodec.batchDigest(List.of(r, broken), new byte[] {1}));
        assertEquals(b, MessageCodec.batchDigest(List.of(r), new byte[] {1}));
        assertEquals(d, MessageCodec.requestDigest(r));
    }

    @Test
    void batchDigestCoversNonDetAndRequestsInOrder() {
        Request a = gen.request(), b = gen.request();
        byte[] nd = {1, 2};
        Digest d = MessageCodec.batchDigest(List.of(a, b), nd);
        assertEquals(d, MessageCodec.batchDigest(List.of(a.withAuth(null), b), nd.clone()));
        assertNotEquals(d, MessageCodec.batchDigest(List.of(b, a), nd));
        assertNotEquals(d, MessageCodec.batchDigest(List.of(a, b), new byte[] {1, 3}));
        assertNotEquals(d, MessageCodec.batchDigest(List.of(a), nd));
        // nonDet and the first request cannot trade bytes: lengths are in the digest.
        assertNotEquals(MessageCodec.batchDigest(List.of(), new byte[0]), MessageCodec.batchDigest(List.of(), new byte[] {0}));
        assertEquals(MessageCodec.resultDigest(new byte[] {4}), MessageCodec.resultDigest(new byte[] {4}));
        assertNotEquals(MessageCodec.resultDigest(new byte[] {4}), MessageCodec.resultDigest(new byte[] {5}));
    }

    @Test
    void requestBodyIsTheAuthenticatedPrefixOfTheEncoding() {
        for (int i = 0; i < 200; i++) {
            Request r = gen.request();
            byte[] body = MessageCodec.requestBody(r);
            byte[] enc = MessageCodec.encode(r);
            assertEquals(MessageCodec.requestAuthedLength(r), body.length);
            assertArrayEquals(body, Arrays.copyOfRange(enc, 1, 1 + body.length));
            assertArrayEquals(body, MessageCodec.requestBody(r.withAuth(null)));
        }
    }

    @Test
    void encodingRejectsUnencodableRecords() {
        assertThrows(IllegalArgumentException.class, () -> MessageCodec.encode(new Request(7, 0, false, 0, new byte[1], null)));
        assertThrows(IllegalArgumentException.class, () -> MessageCodec.encode(new Reply(0, 0, 7, 1, false, true, new byte[3])));
        assertThrows(IllegalArgumentException.class, () -> MessageCodec.encode(new PrePrepare(0, 0, Digest.ZERO, new byte[70_000], List.of())));
        assertThrows(IllegalArgumentException.class, () -> MessageCodec.encode(new ViewChange(0, 0, 0, null, List.of(), List.of())));
        assertThrows(IllegalArgumentException.class, () -> MessageCodec.encode(new ViewChange(0, 0, 0, List.of(), List.of(),
                List.of(new ViewChange.PrePreparedEntry(1, null)))));
        assertThrows(IllegalArgumentException.class, () -> MessageCodec.encode(new NewView(0, List.of(), 0, Digest.ZERO,
                java.util.Collections.nCopies(70_000, Digest.ZERO))));
    }

    private void assertBad(Message m) {
        byte[] enc = MessageCodec.encode(m);
        assertEquals(RejectReason.BAD_FIELD, reason(enc, 0, enc.length), m::toString);
    }

    private void assertBad(Message m, int index, byte value) {
        byte[] enc = MessageCodec.encode(m);
        enc[index] = value;
        assertEquals(RejectReason.BAD_FIELD, reason(enc, 0, enc.length), m::toString);
    }

    private RejectReason reason(byte[] b, int off, int len) { return reason(codec, b, off, len); }

    private static RejectReason reason(MessageCodec c, byte[] b) { return reason(c, b, 0, b.length); }

    private static RejectReason reason(MessageCodec c, byte[] b, int off, int len) {
        try {
            Message m = c.decode(b, off, len);
            return fail("decoded " + m);
        } catch (DecodeException e) {
            return e.reason();
        }
    }

    private static void putInt(byte[] b, int o, int v) {
        b[o] = (byte) (v >>> 24);
        b[o + 1] = (byte) (v >>> 16);
        b[o + 2] = (byte) (v >>> 8);
        b[o + 3] = (byte) v;
    }
}
