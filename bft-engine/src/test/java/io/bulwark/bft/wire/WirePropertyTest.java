package io.bulwark.bft.wire;

import io.bulwark.bft.msg.RejectReason;
import static io.bulwark.bft.wire.Cluster.CLIENT;
import static io.bulwark.bft.wire.Cluster.LIMITS;
import static io.bulwark.bft.wire.Cluster.N;
import static io.bulwark.bft.wire.Cluster.OTHER_CLIENT;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import io.bulwark.bft.msg.Allocation;
import io.bulwark.bft.msg.CodecLimits;
import io.bulwark.bft.msg.BindChallenge;
import io.bulwark.bft.msg.Data;
import io.bulwark.bft.msg.Message;
import io.bulwark.bft.msg.MessageCodec;
import io.bulwark.bft.msg.MessageType;
import io.bulwark.bft.msg.NewKey;
import io.bulwark.bft.msg.PrePrepare;
import io.bulwark.bft.msg.RandomMessages;
import io.bulwark.bft.msg.Request;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * Properties over many thousands of hostile inputs (DESIGN principle 3): open never throws,
 * never reports INTERNAL, never accepts a modified authenticated region, and never allocates
 * what a frame merely claims.
 */
class WirePropertyTest {
    final Cluster c = new Cluster(23);
    final SplittableRandom rnd = new SplittableRandom(99);

    /** A valid frame, the principal it is for, and what it carries. */
    record Sample(byte[] frame, int receiver, Message message) {
        AuthKind kind() { return AuthKind.ofCode(frame[Frame.OFF_AUTH_KIND]); }
    }

    private int otherReplica(int not) {
        int r;
        do r = rnd.nextInt(N); while (r == not);
        return r;
    }

    private Sample sample(int type) {
        int s = rnd.nextInt(N);
        int r = otherReplica(s);
        boolean multicast = rnd.nextBoolean();
        return switch (MessageType.ofCode(type)) {
            case REQUEST -> {
                int client = rnd.nextBoolean() ? CLIENT : OTHER_CLIENT;
                Request req = c.gen.request(client, 30).withAuth(null);
                yield new Sample(c.wire(client).sealRequest(req), s, req);
            }
            case PRE_PREPARE -> {
                List<Request> batch = new ArrayList<>();
                for (int i = rnd.nextInt(4); i > 0; i--) batch.add(c.authedRequest(rnd.nextBoolean() ? CLIENT : OTHER_CLIENT));
                PrePrepare pp = new PrePrepare(s, rnd.nextLong(1 << 20), c.gen.digest(), c.gen.bytes(8), batch);
                yield new Sample(multicast ? c.wire(s).sealMulticast(pp) : c.wire(s).sealTo(r, pp), r, pp);
            }
            case PRE_PREPARE_BY_DIGEST -> {
                List<io.bulwark.bft.msg.BatchEntry> batch = new ArrayList<>();
                for (int i = rnd.nextInt(4); i > 0; i--) {
                    Request q = c.authedRequest(rnd.nextBoolean() ? CLIENT : OTHER_CLIENT);
                    batch.add(rnd.nextBoolean() ? q : io.bulwark.bft.msg.RequestRef.of(q));
                }
                var pp = new io.bulwark.bft.msg.PrePrepareByDigest(s, rnd.nextLong(1 << 20), c.gen.digest(), c.gen.bytes(8), batch);
                yield new Sample(multicast ? c.wire(s).sealMulticast(pp) : c.wire(s).sealTo(r, pp), r, pp);
            }
            case REPLY -> {
                int client = rnd.nextBoolean() ? CLIENT : OTHER_CLIENT;
                Message m = c.gen.reply(s, client);
                yield new Sample(c.wire(s).sealTo(client, m), client, m);
            }
            case STATUS_QUERY -> {
                int client = rnd.nextBoolean() ? CLIENT : OTHER_CLIENT;
                Message m = new io.bulwark.bft.msg.StatusQuery(client, rnd.nextLong());
                yield new Sample(c.wire(client).sealTo(r, m), r, m);
            }
            case STATUS_REPORT -> {
                int client = rnd.nextBoolean() ? CLIENT : OTHER_CLIENT;
                Message m = c.gen.statusReport(s, client);
                yield new Sample(c.wire(s).sealTo(client, m), client, m);
            }
            case KEY_ACK -> {
                int client = rnd.nextBoolean() ? CLIENT : OTHER_CLIENT;
                Message m = new io.bulwark.bft.msg.KeyAck(s, client, rnd.nextLong(1, 1L << 40));
                yield new Sample(c.wire(s).sealTo(client, m), client, m);
            }
            case NEW_KEY -> {
                int sender = rnd.nextInt(N + 2);
                NewKey k = c.gen.newKey(sender);
                yield new Sample(c.wire(sender).sealNewKey(k), rnd.nextInt(N + 2), k);
            }
            case BIND_CHALLENGE -> {
                Message m = c.gen.bindChallenge(s);
                int to = rnd.nextBoolean() ? r : CLIENT;
                yield new Sample(c.wire(s).sealTo(to, m), to, m);
            }
            case BIND_PROOF -> {
                int from = rnd.nextBoolean() ? s : CLIENT;
                int to = from == s ? r : s;
                Message m = c.gen.bindProof(from, to);
                yield new Sample(c.wire(from).sealTo(to, m), to, m);
            }
            case VIEW_CHANGE_ACK, FETCH, META_DATA, DATA, REPLY_STABLE -> {
                Message m = switch (MessageType.ofCode(type)) {
                    case REPLY_STABLE -> new io.bulwark.bft.msg.ReplyStable(s, r, rnd.nextLong(), rnd.nextLong(0, 1L << 40), rnd.nextLong(0, 1L << 40));
                    case VIEW_CHANGE_ACK -> c.gen.viewChangeAck(s);
                    case FETCH -> c.gen.fetch(s);
                    case META_DATA -> c.gen.metaData(s);
                    default -> c.gen.data();
                };
                yield new Sample(c.wire(s).sealTo(r, m), r, m);
            }
            default -> {
                Message m = switch (MessageType.ofCode(type)) {
                    case PREPARE -> c.gen.prepare(s);
                    case COMMIT -> c.gen.commit(s);
                    case CHECKPOINT -> c.gen.checkpoint(s);
                    case STATUS -> c.gen.status(s);
                    // Half of the view-changes are forwarded: their author is not the frame's sender.
                    case VIEW_CHANGE -> c.gen.viewChange(rnd.nextBoolean() ? s : otherReplica(s));
                    case NEW_VIEW -> c.gen.newView();
                    case FETCH_BATCH -> c.gen.fetchBatch(s);
                    case AUTH_FAILURE -> c.gen.authFailure(s);
                    case SUSPECT -> new io.bulwark.bft.msg.Suspect(rnd.nextLong(0, 1L << 40), s);
                    case QUERY_STABLE -> new io.bulwark.bft.msg.QueryStable(s, rnd.nextLong());
                    default -> throw new IllegalArgumentException("type " + type);
                };
                yield new Sample(multicast ? c.wire(s).sealMulticast(m) : c.wire(s).sealTo(r, m), r, m);
            }
        };
    }

    private static Opened.Rejected rejected(Opened o) {
        Opened.Rejected r = assertInstanceOf(Opened.Rejected.class, o, o::toString);
        assertNotEquals(RejectReason.INTERNAL, r.reason(), r.detail());
        return r;
    }

    @Test
    void validSamplesAreAccepted() {
        for (int type = MessageType.REQUEST.code(); type <= MessageCodec.LAST_TYPE; type++) {
            for (int i = 0; i < 200; i++) {
                Sample s = sample(type);
                Opened o = c.wire(s.receiver()).open(s.frame());
                Opened.Accepted a = assertInstanceOf(Opened.Accepted.class, o, o::toString);
                if (s.message() instanceof Request q) assertTrue(RandomMessages.sameRequest(q, (Request) a.message()));
                else assertTrue(RandomMessages.same(s.message(), a.message()));
            }
        }
    }

    @Test
    void randomBytesAreRejected() {
        for (int i = 0; i < 30_000; i++) {
            byte[] b = new byte[rnd.nextInt(200)];
            rnd.nextBytes(b);
            rejected(c.wire(rnd.nextInt(N + 2)).open(b));
        }
        // Plausible headers over random bodies and trailers reach the decoders and MAC checks.
        for (int i = 0; i < 30_000; i++) {
            byte[] b = new byte[Frame.HEADER_BYTES + rnd.nextInt(300)];
            rnd.nextBytes(b);
            b[0] = Frame.VERSION;
            b[1] = (byte) rnd.nextInt(1, MessageCodec.LAST_TYPE + 1);
            int sender = rnd.nextInt(-1, N + 3);
            b[2] = (byte) (sender >>> 24);
            b[3] = (byte) (sender >>> 16);
            b[4] = (byte) (sender >>> 8);
            b[5] = (byte) sender;
            b[6] = (byte) rnd.nextInt(3);
            Opened o = c.wire(rnd.nextInt(N + 2)).open(b);
            if (o instanceof Opened.Rejected r) assertNotEquals(RejectReason.INTERNAL, r.reason(), r.detail());
            else fail("random bytes accepted: " + o);
        }
    }

    @Test
    void everyTruncationIsRejected() {
        for (int type = MessageType.REQUEST.code(); type <= MessageCodec.LAST_TYPE; type++) {
            for (int i = 0; i < 30; i++) {
                Sample s = sample(type);
                Wire w = c.wire(s.receiver());
                for (int len = 0; len < s.frame().length; len++) rejected(w.open(s.frame(), 0, len));
            }
        }
    }

    /**
     * Flip every bit of valid frames. In an authenticated region the frame must be rejected
     * (as BAD_MAC once past the header checks); only bits that no check at this receiver covers
     * (other replicas' authenticator entries) may pass, and then with the same message. A NEW-KEY
     * is not authenticated here; it may decode to a different message, which must then be the
     * canonical decoding of exactly the flipped bytes (the signature check downstream catches it).
     */
    @Test
    void singleBitFlipsAreRejectedOrHarmless() {
        int flips = 0;
        for (int type = MessageType.REQUEST.code(); type <= MessageCodec.LAST_TYPE; type++) {
            for (int i = 0; i < 15; i++) {
                Sample s = sample(type);
                byte[] frame = s.frame();
                Wire w = c.wire(s.receiver());
                int self = s.receiver();
                for (int bit = 0; bit < frame.length * 8; bit++) {
                    byte[] f = frame.clone();
                    int at = bit >>> 3;
                    f[at] ^= (byte) (1 << (bit & 7));
                    checkFlip(s, f, at, self, w.open(f));
                    flips++;
                }
            }
        }
        assertTrue(flips > 50_000, "flips: " + flips);
    }

    private void checkFlip(Sample s, byte[] f, int at, int self, Opened o) {
        int len = f.length;
        int tag = LIMITS.tagLength();
        String where = s.message().getClass().getSimpleName() + " byte " + at + " of " + len;
        switch (s.kind()) {
            case MAC -> {
                Opened.Rejected r = rejected(o);
                if (at >= Frame.HEADER_BYTES) assertEquals(RejectReason.BAD_MAC, r.reason(), where);
            }
            case AUTHENTICATOR -> {
                int bodyEnd = len - 1 - N * tag;
                int own = bodyEnd + 1 + self * tag;
                if (at < Frame.HEADER_BYTES) {
                    rejected(o);
                } else if (at < bodyEnd || (at >= own && at < own + tag)) {
                    assertEquals(RejectReason.BAD_MAC, rejected(o).reason(), where);
                } else if (at == bodyEnd) {
                    assertEquals(RejectReason.BAD_AUTHENTICATOR, rejected(o).reason(), where);
                } else {
                    // Another replica's entry: not ours to check (section 4.1).
                    Opened.Accepted a = assertInstanceOf(Opened.Accepted.class, o, where);
                    assertTrue(RandomMessages.same(s.message(), a.message()), where);
                }
            }
            case NONE -> {
                if (s.message() instanceof Request q) {
                    int authed = Frame.HEADER_BYTES + MessageCodec.requestAuthedLength(q);
                    int own = authed + 2 + self * tag;
                    if (at < authed + 2) {
                        Opened.Rejected r = rejected(o);
                        // Operation bytes are opaque: only the MAC can catch a flip there.
                        if (at >= authed - q.operation().length && at < authed) assertEquals(RejectReason.BAD_MAC, r.reason(), where);
                    } else if (at >= own && at < own + tag) {
                        assertEquals(RejectReason.BAD_MAC, rejected(o).reason(), where);
                    } else {
                        Opened.Accepted a = assertInstanceOf(Opened.Accepted.class, o, where);
                        assertTrue(RandomMessages.sameRequest(q, (Request) a.message()), where);
                    }
                } else if (s.message() instanceof Data) {
                    // DATA carries no MAC (the fetcher checks its digest, section 4.6.2): a flip gives
                    // another DATA (a flip in the header's sender field: the same one in another
                    // replica's name), or a rejection; never anything else.
                    if (o instanceof Opened.Accepted a) {
                        Data d = assertInstanceOf(Data.class, a.message(), where);
                        assertTrue(at < Frame.HEADER_BYTES || !RandomMessages.same(s.message(), d), where);
                    } else {
                        rejected(o);
                    }
                } else if (s.message() instanceof BindChallenge) {
                    // A challenge is an unauthenticated random value: a flip gives another challenge or a rejection.
                    if (o instanceof Opened.Accepted a) assertInstanceOf(BindChallenge.class, a.message(), where);
                    else rejected(o);
                } else if (o instanceof Opened.Accepted a) {
                    assertTrue(at >= Frame.HEADER_BYTES, where);
                    assertNotEquals(true, RandomMessages.same(s.message(), a.message()), where);
                    assertArrayEquals(f, new Wire(Cluster.keys(a.sender()), N, LIMITS).sealNewKey((NewKey) a.message()), where);
                } else {
                    rejected(o);
                }
            }
        }
    }

    /** A 20-odd-byte frame claiming gigabytes: rejected at once, with no large allocation. */
    @Test
    void hugeClaimsAreRejectedFastWithoutAllocating() {
        CodecLimits unbounded = new CodecLimits(N, 16, Integer.MAX_VALUE, Integer.MAX_VALUE, 0xffff, Integer.MAX_VALUE,
                0xffff, 0xffff, 0xffff, 0xffff, 0xffff, 0xffff, 0xffff, 0xffff, Integer.MAX_VALUE);
        Wire strict = c.wire(0);
        Wire lax = new Wire(Cluster.keys(0), N, unbounded);
        // REQUEST from client 4 claiming a 2 GB operation.
        byte[] req = new byte[Frame.HEADER_BYTES + MessageCodec.REQUEST_AUTHED_FIXED_BYTES];
        Frame.writeHeader(req, MessageType.REQUEST.code(), CLIENT, AuthKind.NONE);
        req[7] = (byte) 0xA0;
        req[8 + 3] = CLIENT;
        putInt(req, req.length - 4, Integer.MAX_VALUE);
        assertEquals(28, req.length);
        // NEW-KEY claiming 65535 shares.
        byte[] nk = new byte[Frame.HEADER_BYTES + 4 + 8 + 2];
        Frame.writeHeader(nk, MessageType.NEW_KEY.code(), 1, AuthKind.NONE);
        nk[10] = 1;
        nk[nk.length - 1] = (byte) 0xff;
        nk[nk.length - 2] = (byte) 0xff;
        // A frame whose body claims 65535 batch requests, behind a valid MAC (a faulty primary).
        byte[] ppBody = new byte[MessageCodec.PRE_PREPARE_FIXED_BYTES];
        ppBody[ppBody.length - 1] = (byte) 0xff;
        ppBody[ppBody.length - 2] = (byte) 0xff;
        byte[] pp = Cluster.forgeRaw(MessageType.PRE_PREPARE.code(), 1, AuthKind.MAC, ppBody, 0, Cluster.keys(1));

        assertEquals(RejectReason.OVERSIZED, rejected(strict.open(req)).reason());
        assertEquals(RejectReason.OVERSIZED, rejected(strict.open(nk)).reason());
        assertEquals(RejectReason.OVERSIZED, rejected(strict.open(pp)).reason());
        for (byte[] b : List.of(req, nk, pp)) assertEquals(RejectReason.TRUNCATED, rejected(lax.open(b)).reason());

        // Bounded by allocation, not by wall-clock time (a test never fails because the machine is slow).
        long before = Allocation.allocatedBytes();
        for (int i = 0; i < 2_000; i++) {
            for (byte[] b : List.of(req, nk, pp)) {
                strict.open(b);
                lax.open(b);
            }
        }
        long allocated = Allocation.allocatedBytes() - before;
        if (before >= 0) assertTrue(allocated < 32L << 20, "allocated " + allocated + " bytes for 12,000 rejections");
    }

    private static void putInt(byte[] b, int o, int v) {
        b[o] = (byte) (v >>> 24);
        b[o + 1] = (byte) (v >>> 16);
        b[o + 2] = (byte) (v >>> 8);
        b[o + 3] = (byte) v;
    }
}
