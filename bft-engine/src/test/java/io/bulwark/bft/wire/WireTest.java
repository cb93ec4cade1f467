package io.bulwark.bft.wire;

import io.bulwark.bft.msg.RejectReason;
import static io.bulwark.bft.wire.Cluster.CLIENT;
import static io.bulwark.bft.wire.Cluster.LIMITS;
import static io.bulwark.bft.wire.Cluster.N;
import static io.bulwark.bft.wire.Cluster.OTHER_CLIENT;
import static io.bulwark.bft.wire.Cluster.forge;
import static io.bulwark.bft.wire.Cluster.forgeRaw;
import static io.bulwark.bft.wire.Cluster.keys;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.bulwark.bft.crypto.Digest;
import io.bulwark.bft.msg.Message;
import io.bulwark.bft.msg.MessageCodec;
import io.bulwark.bft.msg.MessageType;
import io.bulwark.bft.msg.NewKey;
import io.bulwark.bft.msg.PrePrepare;
import io.bulwark.bft.msg.Prepare;
import io.bulwark.bft.msg.RandomMessages;
import io.bulwark.bft.msg.Reply;
import io.bulwark.bft.msg.Request;
import io.bulwark.bft.msg.Status;
import io.bulwark.bft.msg.ViewChange;
import io.bulwark.bft.msg.ViewChangeAck;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class WireTest {
    final Cluster c = new Cluster(11);

    private Message accepted(Opened o, int sender) {
        Opened.Accepted a = assertInstanceOf(Opened.Accepted.class, o, o::toString);
        assertEquals(sender, a.sender());
        return a.message();
    }

    private static void rejected(RejectReason reason, Opened o) {
        Opened.Rejected r = assertInstanceOf(Opened.Rejected.class, o, o::toString);
        assertEquals(reason, r.reason(), r.detail());
        assertNotNull(r.detail());
    }

    private PrePrepare prePrepare(long view, List<Request> batch) {
        byte[] nonDet = {1, 2, 3, 4, 5, 6, 7, 8};
        return new PrePrepare(view, 17, MessageCodec.batchDigest(batch, nonDet), nonDet, batch);
    }

    @Test
    void multicastMessagesOpenAtEveryOtherReplica() {
        List<Message> ms = List.of(
                prePrepare(1, List.of(c.authedRequest(CLIENT), c.authedRequest(OTHER_CLIENT), c.authedRequest(CLIENT))),
                prePrepare(1, List.of()),
                c.gen.prepare(1), c.gen.commit(1), c.gen.checkpoint(1), c.gen.status(1),
                c.gen.viewChange(1), c.gen.newView(), c.gen.fetchBatch(1));
        for (Message m : ms) {
            byte[] frame = c.wire(1).sealMulticast(m);
            assertEquals(Frame.VERSION, frame[0]);
            assertEquals(AuthKind.AUTHENTICATOR.code, frame[Frame.OFF_AUTH_KIND]);
            for (int r : new int[] {0, 2, 3}) assertTrue(RandomMessages.same(m, accepted(c.wire(r).open(frame), 1)));
        }
    }

    @Test
    void pointToPointMessagesOpenAtTheirReceiverOnly() {
        Prepare p = c.gen.prepare(2);
        byte[] frame = c.wire(2).sealTo(3, p);
        assertEquals(7 + MessageCodec.PREPARE_BYTES + 16, frame.length);
        assertTrue(RandomMessages.same(p, accepted(c.wire(3).open(frame), 2)));
        rejected(RejectReason.BAD_MAC, c.wire(0).open(frame));

        Reply reply = c.gen.reply(2, CLIENT);
        byte[] rf = c.wire(2).sealTo(CLIENT, reply);
        assertTrue(RandomMessages.same(reply, accepted(c.wire(CLIENT).open(rf), 2)));
        rejected(RejectReason.BAD_MAC, c.wire(OTHER_CLIENT).open(rf));
    }

    @Test
    void requestsCarryTheClientAuthenticatorAndRelayUnchanged() {
        Request r = c.gen.request(CLIENT, 50).withAuth(null);
        byte[] frame = c.wire(CLIENT).sealRequest(r);
        assertEquals(AuthKind.NONE.code, frame[Frame.OFF_AUTH_KIND]);
        Request got = null;
        for (int j = 0; j < N; j++) {
            got = (Request) accepted(c.wire(j).open(frame), CLIENT);
            assertTrue(RandomMessages.sameRequest(r, got));
            assertEquals(LIMITS.requestAuthBytes(), got.auth().length);
        }
        // A replica relaying the request sends the client's bytes; any replica still accepts them.
        byte[] relayed = c.wire(0).sealRequest(got);
        assertArrayEquals(frame, relayed);
        accepted(c.wire(2).open(relayed), CLIENT);
        // The authenticator equals the one computed over requestBody.
        assertArrayEquals(Cluster.authenticate(r, keys(CLIENT)).auth(), got.auth());
    }

    @Test
    void newKeyIsDecodedButNotVerified() {
        NewKey k = c.gen.newKey(1);
        byte[] frame = c.wire(1).sealNewKey(k);
        assertTrue(RandomMessages.same(k, accepted(c.wire(0).open(frame), 1)));
        assertTrue(RandomMessages.same(k, accepted(c.wire(CLIENT).open(frame), 1)));
        NewKey fromClient = c.gen.newKey(CLIENT);
        assertTrue(RandomMessages.same(fromClient, accepted(c.wire(3).open(c.wire(CLIENT).sealNewKey(fromClient)), CLIENT)));
    }

    @Test
    void senderNamedInsideMustMatchTheHeader() {
        TestMacKeys one = keys(1);
        for (Message m : List.of(c.gen.prepare(2), c.gen.commit(2), c.gen.checkpoint(2), c.gen.status(2)))
            rejected(RejectReason.SENDER_MISMATCH, c.wire(0).open(forge(m, 1, AuthKind.AUTHENTICATOR, -1, one)));
        rejected(RejectReason.SENDER_MISMATCH, c.wire(CLIENT).open(forge(c.gen.reply(2, CLIENT), 1, AuthKind.MAC, CLIENT, one)));
        Request r = c.authedRequest(CLIENT);
        rejected(RejectReason.SENDER_MISMATCH, c.wire(0).open(forge(r, OTHER_CLIENT, AuthKind.NONE, -1, one)));
        rejected(RejectReason.SENDER_MISMATCH, c.wire(0).open(forge(c.gen.newKey(2), 1, AuthKind.NONE, -1, one)));
        // And the sealing side refuses to build such frames.
        assertThrows(IllegalArgumentException.class, () -> c.wire(1).sealMulticast(c.gen.prepare(2)));
        assertThrows(IllegalArgumentException.class, () -> c.wire(1).sealTo(CLIENT, c.gen.reply(2, CLIENT)));
        assertThrows(IllegalArgumentException.class, () -> c.wire(1).sealNewKey(c.gen.newKey(2)));
        assertThrows(IllegalArgumentException.class, () -> c.wire(OTHER_CLIENT).sealRequest(r.withAuth(null)));
    }

    /** Section 4.5: a replica may pass on another's view-change; the wire vouches only for the forwarder. */
    @Test
    void aForwardedViewChangeIsAcceptedFromTheForwarder() {
        ViewChange byOne = c.gen.viewChange(1);
        for (byte[] frame : List.of(c.wire(2).sealMulticast(byOne), c.wire(2).sealTo(0, byOne))) {
            ViewChange got = (ViewChange) accepted(c.wire(0).open(frame), 2);
            assertEquals(byOne, got);
            assertEquals(1, got.replica());
            assertEquals(MessageCodec.viewChangeDigest(byOne), MessageCodec.viewChangeDigest(got));
        }
        // Impersonating the forwarder still fails: the frame's MAC is the forwarder's.
        rejected(RejectReason.BAD_MAC, c.wire(0).open(forge(byOne, 2, AuthKind.AUTHENTICATOR, -1, keys(3))));
        // A new-view names no sender: any replica's is passed on, the core checks it is the primary's.
        accepted(c.wire(0).open(c.wire(3).sealMulticast(c.gen.newView())), 3);
    }

    @Test
    void viewChangeAcksAndFetchesComeFromTheReplicaTheyName() {
        ViewChangeAck ack = c.gen.viewChangeAck(2);
        assertEquals(ack, accepted(c.wire(1).open(c.wire(2).sealTo(1, ack)), 2));
        rejected(RejectReason.SENDER_MISMATCH, c.wire(1).open(forge(ack, 3, AuthKind.MAC, 1, keys(3))));
        rejected(RejectReason.SENDER_MISMATCH, c.wire(1).open(forge(c.gen.fetchBatch(2), 3, AuthKind.AUTHENTICATOR, -1, keys(3))));
        rejected(RejectReason.SENDER_MISMATCH, c.wire(1).open(forge(c.gen.fetchBatch(2), 3, AuthKind.MAC, 1, keys(3))));
        assertThrows(IllegalArgumentException.class, () -> c.wire(3).sealTo(1, ack));
        assertThrows(IllegalArgumentException.class, () -> c.wire(3).sealMulticast(c.gen.fetchBatch(2)));
        // An ack goes to one replica with a MAC, never multicast.
        rejected(RejectReason.WRONG_AUTH_KIND, c.wire(1).open(forge(ack, 2, AuthKind.AUTHENTICATOR, -1, keys(2))));
        assertThrows(IllegalArgumentException.class, () -> c.wire(2).sealMulticast(ack));
    }

    @Test
    void viewChangeMessagesAreBetweenReplicasOnly() {
        List<Message> ms = List.of(c.gen.viewChange(1), c.gen.viewChangeAck(1), c.gen.newView(), c.gen.fetchBatch(1));
        for (Message m : ms) {
            rejected(RejectReason.NOT_FOR_ME, c.wire(CLIENT).open(c.wire(1).sealTo(CLIENT, m)));
            if (!(m instanceof ViewChangeAck))
                rejected(RejectReason.NOT_FOR_ME, c.wire(CLIENT).open(c.wire(1).sealMulticast(m)));
        }
        // From a client id, even with a valid MAC for the key it has (and no sender field to name a replica).
        rejected(RejectReason.NOT_A_REPLICA, c.wire(0).open(forge(c.gen.viewChange(1), CLIENT, AuthKind.MAC, 0, keys(CLIENT))));
        rejected(RejectReason.NOT_A_REPLICA, c.wire(0).open(forge(c.gen.newView(), CLIENT, AuthKind.MAC, 0, keys(CLIENT))));
        rejected(RejectReason.NOT_A_REPLICA, c.wire(0).open(forge(c.gen.viewChangeAck(1), CLIENT, AuthKind.MAC, 0, keys(CLIENT))));
        rejected(RejectReason.NOT_A_REPLICA, c.wire(0).open(forge(c.gen.fetchBatch(1), CLIENT, AuthKind.MAC, 0, keys(CLIENT))));
    }

    @Test
    void eachTypeTravelsOnlyWithItsAuthKind() {
        TestMacKeys one = keys(1);
        rejected(RejectReason.WRONG_AUTH_KIND, c.wire(0).open(forge(c.gen.prepare(1), 1, AuthKind.NONE, -1, one)));
        rejected(RejectReason.WRONG_AUTH_KIND, c.wire(0).open(forge(prePrepare(1, List.of()), 1, AuthKind.NONE, -1, one)));
        rejected(RejectReason.WRONG_AUTH_KIND, c.wire(0).open(forge(c.authedRequest(CLIENT), CLIENT, AuthKind.MAC, 0, keys(CLIENT))));
        rejected(RejectReason.WRONG_AUTH_KIND, c.wire(CLIENT).open(forge(c.gen.reply(1, CLIENT), 1, AuthKind.AUTHENTICATOR, -1, one)));
        rejected(RejectReason.WRONG_AUTH_KIND, c.wire(0).open(forge(c.gen.newKey(1), 1, AuthKind.MAC, 0, one)));
        for (Message m : List.of(c.gen.viewChange(1), c.gen.viewChangeAck(1), c.gen.newView(), c.gen.fetchBatch(1)))
            rejected(RejectReason.WRONG_AUTH_KIND, c.wire(0).open(forge(m, 1, AuthKind.NONE, -1, one)));
        byte[] frame = c.wire(1).sealMulticast(c.gen.prepare(1));
        frame[Frame.OFF_AUTH_KIND] = 3;
        rejected(RejectReason.BAD_AUTH_KIND, c.wire(0).open(frame));
        assertThrows(IllegalArgumentException.class, () -> c.wire(1).sealMulticast(c.authedRequest(CLIENT)));
        assertThrows(IllegalArgumentException.class, () -> c.wire(1).sealTo(0, c.gen.newKey(1)));
    }

    @Test
    void rolesAreChecked() {
        TestMacKeys client = keys(CLIENT);
        // Replica-only messages from a client id (even with a valid MAC for the key it has).
        rejected(RejectReason.NOT_A_REPLICA, c.wire(0).open(forge(c.gen.prepare(0), CLIENT, AuthKind.MAC, 0, client)));
        rejected(RejectReason.NOT_A_REPLICA, c.wire(0).open(forge(c.gen.prepare(0), -1, AuthKind.MAC, 0, client)));
        rejected(RejectReason.NOT_A_REPLICA, c.wire(OTHER_CLIENT).open(forge(c.gen.reply(0, OTHER_CLIENT), CLIENT, AuthKind.MAC, OTHER_CLIENT, client)));
        // A request from a replica id passes the frame layer (a recovery request, section 4.4; the core
        // refuses any other), but only authenticated as that replica's: another's authenticator fails.
        Request fromReplica = Cluster.authenticate(new Request(2, 1, false, 0, new byte[] {1}, null), keys(2));
        assertInstanceOf(Opened.Accepted.class, c.wire(0).open(forge(fromReplica, 2, AuthKind.NONE, -1, keys(2))));
        Request forged = Cluster.authenticate(new Request(2, 1, false, 0, new byte[] {1}, null), keys(3));
        rejected(RejectReason.BAD_MAC, c.wire(0).open(forge(forged, 2, AuthKind.NONE, -1, keys(3))));
        // A reply at a replica that is not the answer to its own request.
        // Messages this principal never receives.
        rejected(RejectReason.NOT_FOR_ME, c.wire(0).open(c.wire(1).sealTo(0, c.gen.reply(1, CLIENT))));
        rejected(RejectReason.NOT_FOR_ME, c.wire(CLIENT).open(c.wire(1).sealTo(CLIENT, c.gen.prepare(1))));
        rejected(RejectReason.NOT_FOR_ME, c.wire(CLIENT).open(c.wire(1).sealMulticast(c.gen.commit(1))));
        rejected(RejectReason.NOT_FOR_ME, c.wire(CLIENT).open(c.wire(OTHER_CLIENT).sealRequest(c.gen.request(OTHER_CLIENT, 3).withAuth(null))));
        // A reply MAC'd for this client but addressed to another.
        rejected(RejectReason.NOT_FOR_ME, c.wire(CLIENT).open(c.wire(1).sealTo(CLIENT, c.gen.reply(1, OTHER_CLIENT))));
        // NEW-KEY from a negative id.
        rejected(RejectReason.BAD_FIELD, c.wire(0).open(forgeRaw(MessageType.NEW_KEY.code(), -7, AuthKind.NONE, new byte[0], -1, client)));
    }

    @Test
    void missingKeysAreTheirOwnReason() {
        Wire noKeyFrom1 = new Wire(keys(0).withoutKey(1), N, LIMITS);
        rejected(RejectReason.NO_KEY, noKeyFrom1.open(c.wire(1).sealMulticast(c.gen.prepare(1))));
        rejected(RejectReason.NO_KEY, noKeyFrom1.open(c.wire(1).sealTo(0, c.gen.commit(1))));
        Wire noKeyFromClient = new Wire(keys(0).withoutKey(CLIENT), N, LIMITS);
        rejected(RejectReason.NO_KEY, noKeyFromClient.open(c.wire(CLIENT).sealRequest(c.gen.request(CLIENT, 5).withAuth(null))));
        // In a pre-prepare, a request from a client we have no key for is marked unverified (and
        // counted), the pre-prepare delivered: the core decides (big-MAC defence, bodies by digest).
        byte[] pp = c.wire(1).sealMulticast(prePrepare(1, List.of(c.authedRequest(OTHER_CLIENT), c.authedRequest(CLIENT))));
        Opened.Accepted noKey = assertInstanceOf(Opened.Accepted.class, noKeyFromClient.open(pp));
        assertEquals(java.util.BitSet.valueOf(new long[] {0b10}), noKey.unverified());
        assertEquals(1, noKeyFromClient.counters().get(RejectReason.NO_REQUEST_KEY));
        accepted(c.wire(0).open(pp), 1);
        // The sender without a key writes a zero tag: the receiver drops it as a bad MAC.
        Wire senderWithoutKey = new Wire(keys(1).withoutKey(0), N, LIMITS);
        byte[] zero = senderWithoutKey.sealMulticast(c.gen.prepare(1));
        rejected(RejectReason.BAD_MAC, c.wire(0).open(zero));
        accepted(c.wire(2).open(zero), 1);
        rejected(RejectReason.BAD_MAC, c.wire(0).open(senderWithoutKey.sealTo(0, c.gen.prepare(1))));
    }

    @Test
    void forgedMacsAreRejected() {
        TestMacKeys attacker = new TestMacKeys(1, N, 16, 666);
        rejected(RejectReason.BAD_MAC, c.wire(0).open(forge(c.gen.prepare(1), 1, AuthKind.AUTHENTICATOR, -1, attacker)));
        rejected(RejectReason.BAD_MAC, c.wire(0).open(forge(c.gen.prepare(1), 1, AuthKind.MAC, 0, attacker)));
        // Replica 2 impersonating replica 1 with its own (valid) keys.
        rejected(RejectReason.BAD_MAC, c.wire(0).open(forge(c.gen.commit(1), 1, AuthKind.AUTHENTICATOR, -1, keys(2))));
        // A request authenticated with the wrong client's keys.
        Request r = Cluster.authenticate(c.gen.request(CLIENT, 9), keys(OTHER_CLIENT));
        rejected(RejectReason.BAD_MAC, c.wire(0).open(forge(r, CLIENT, AuthKind.NONE, -1, keys(CLIENT))));
        // A reply forged by another client (same symmetric-key scheme, different key).
        rejected(RejectReason.BAD_MAC, c.wire(CLIENT).open(forge(c.gen.reply(1, CLIENT), 1, AuthKind.MAC, CLIENT, keys(OTHER_CLIENT))));
        // Tampering after sealing.
        byte[] frame = c.wire(1).sealMulticast(c.gen.checkpoint(1));
        frame[Frame.HEADER_BYTES + 3] ^= 1;
        rejected(RejectReason.BAD_MAC, c.wire(0).open(frame));
    }

    @Test
    void aPrePrepareWithOneBadClientAuthenticatorIsDeliveredWithThatRequestMarked() {
        Request good = c.authedRequest(CLIENT);
        Request bad = c.authedRequest(OTHER_CLIENT);
        byte[] auth = bad.auth().clone();
        auth[2 * 16 + 5] ^= 0x40; // only replica 2's entry is wrong
        PrePrepare pp = prePrepare(5, List.of(good, bad.withAuth(auth)));
        byte[] frame = c.wire(1).sealMulticast(pp);
        Opened.Accepted at2 = assertInstanceOf(Opened.Accepted.class, c.wire(2).open(frame));
        assertTrue(RandomMessages.same(pp, at2.message()));
        assertEquals(java.util.BitSet.valueOf(new long[] {0b10}), at2.unverified(), "the second request did not verify at replica 2");
        assertEquals(1, c.wire(2).counters().get(RejectReason.BAD_REQUEST_MAC));
        for (int r : new int[] {0, 3}) {
            Opened.Accepted a = assertInstanceOf(Opened.Accepted.class, c.wire(r).open(frame));
            assertEquals(null, a.unverified(), "every request verified at replica " + r);
        }
        // A request that names a replica as its client (its recovery request) is checked like a client's.
        Request byReplica = Cluster.authenticate(new Request(3, 1, false, 0, new byte[] {1}, null), keys(3));
        Opened.Accepted withReplica = assertInstanceOf(Opened.Accepted.class, c.wire(0).open(c.wire(1).sealMulticast(prePrepare(1, List.of(good, byReplica)))));
        assertEquals(null, withReplica.unverified(), "replica 3's request verifies at replica 0 under 3's key");
        // A request frame whose own authenticator entry is wrong.
        byte[] rf = c.wire(CLIENT).sealRequest(c.gen.request(CLIENT, 4).withAuth(null));
        rf[rf.length - LIMITS.requestAuthBytes() + 0 * 16] ^= 1;
        rejected(RejectReason.BAD_MAC, c.wire(0).open(rf));
        accepted(c.wire(1).open(rf), CLIENT);
    }

    @Test
    void headerAndFramingErrors() {
        byte[] frame = c.wire(1).sealMulticast(c.gen.prepare(1));
        byte[] v = frame.clone();
        v[0] = 2;
        rejected(RejectReason.BAD_VERSION, c.wire(0).open(v));
        byte[] t = frame.clone();
        t[1] = (byte) (MessageCodec.LAST_TYPE + 1);
        rejected(RejectReason.UNKNOWN_TYPE, c.wire(0).open(t));
        byte[] count = frame.clone();
        count[frame.length - 1 - N * 16] = 3;
        rejected(RejectReason.BAD_AUTHENTICATOR, c.wire(0).open(count));
        // A valid MAC over a body with a byte too many.
        byte[] body = new byte[MessageCodec.PREPARE_BYTES + 1];
        MessageCodec.writeBody(c.gen.prepare(1), body, 0);
        rejected(RejectReason.TRAILING_BYTES, c.wire(0).open(forgeRaw(MessageType.PREPARE.code(), 1, AuthKind.AUTHENTICATOR, body, -1, keys(1))));
        // Oversized frames are refused before anything is read.
        Wire tiny = new Wire(keys(0), N, LIMITS.withMaxFrameBytes(frame.length - 1));
        rejected(RejectReason.OVERSIZED, tiny.open(frame));
        // The wire's own bound: header, the largest body the limits allow, and the largest trailer (an authenticator).
        assertEquals(Frame.HEADER_BYTES + LIMITS.largestBody() + 1 + N * 16, Frame.largestFrame(LIMITS));
        assertEquals(Frame.largestFrame(LIMITS), c.wire(0).maxFrameBytes());
        Wire exact = new Wire(keys(0), N, LIMITS);
        byte[] tooBig = new byte[Frame.largestFrame(LIMITS) + 1];
        System.arraycopy(frame, 0, tooBig, 0, frame.length);
        rejected(RejectReason.OVERSIZED, exact.open(tooBig));
        assertThrows(IllegalArgumentException.class, () -> new Wire(keys(0), N, LIMITS.withMaxFrameBytes(Frame.HEADER_BYTES - 1)));
        rejected(RejectReason.TRUNCATED, c.wire(0).open(new byte[3]));
        rejected(RejectReason.TRUNCATED, c.wire(0).open(java.util.Arrays.copyOf(frame, 20)));
    }

    @Test
    void openNeverThrowsOnBadSlicesAndReadsFromTheMiddleOfABuffer() {
        rejected(RejectReason.TRUNCATED, c.wire(0).open(null));
        rejected(RejectReason.TRUNCATED, c.wire(0).open(null, 0, 10));
        rejected(RejectReason.TRUNCATED, c.wire(0).open(new byte[10], -1, 5));
        rejected(RejectReason.TRUNCATED, c.wire(0).open(new byte[10], 6, 5));
        rejected(RejectReason.TRUNCATED, c.wire(0).open(new byte[10], 2, -1));
        rejected(RejectReason.TRUNCATED, c.wire(0).open(new byte[10], Integer.MAX_VALUE, 5));
        for (Message m : List.of(prePrepare(1, List.of(c.authedRequest(CLIENT))), c.gen.status(1))) {
            byte[] frame = c.wire(1).sealMulticast(m);
            byte[] big = new byte[frame.length + 30];
            java.util.Arrays.fill(big, (byte) 0xEE);
            System.arraycopy(frame, 0, big, 13, frame.length);
            assertTrue(RandomMessages.same(m, accepted(c.wire(0).open(big, 13, frame.length), 1)));
        }
        byte[] rf = c.wire(CLIENT).sealRequest(c.gen.request(CLIENT, 7).withAuth(null));
        byte[] big = new byte[rf.length + 9];
        System.arraycopy(rf, 0, big, 5, rf.length);
        accepted(c.wire(3).open(big, 5, rf.length), CLIENT);
    }

    @Test
    void countersCountEveryOutcome() {
        Wire w = new Wire(keys(0), N, LIMITS);
        byte[] frame = c.wire(1).sealMulticast(c.gen.prepare(1));
        w.open(frame);
        w.open(frame);
        w.open(new byte[2]);
        byte[] bad = frame.clone();
        bad[10] ^= 1;
        w.open(bad);
        w.open(bad);
        w.open(bad);
        RejectCounters rc = w.counters();
        assertEquals(2, rc.accepted());
        assertEquals(1, rc.get(RejectReason.TRUNCATED));
        assertEquals(3, rc.get(RejectReason.BAD_MAC));
        assertEquals(4, rc.totalRejected());
        assertEquals(Map.of("TRUNCATED", 1L, "BAD_MAC", 3L), rc.snapshot());
        assertEquals(new ArrayList<>(List.of("TRUNCATED", "BAD_MAC")), new ArrayList<>(rc.snapshot().keySet()));
    }

    @Test
    void constructionChecksLimitsAgainstKeys() {
        assertThrows(IllegalArgumentException.class, () -> new Wire(keys(0), 7, LIMITS));
        assertThrows(IllegalArgumentException.class, () -> new Wire(new TestMacKeys(0, N, 8, 1), N, LIMITS));
        assertThrows(IllegalStateException.class, () -> c.wire(CLIENT).sealMulticast(c.gen.prepare(1)));
        Digest d = Digest.ZERO;
        assertThrows(IllegalArgumentException.class, () -> c.wire(0).sealTo(0, new Prepare(0, 0, d, 0)));
        assertThrows(IllegalArgumentException.class, () -> c.wire(0).sealRequest(c.gen.request(CLIENT, 3).withAuth(new byte[5])));
    }
}
