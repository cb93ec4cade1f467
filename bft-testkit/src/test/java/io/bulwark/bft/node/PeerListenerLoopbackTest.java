package io.bulwark.bft.node;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.bulwark.bft.config.KeyMaterial;
import io.bulwark.bft.msg.MessageType;
import io.bulwark.bft.net.TransportConfig;
import io.bulwark.bft.net.TransportStats;
import io.bulwark.bft.service.KvOps;
import io.bulwark.bft.testkit.Await;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 15, item 1: replica traffic on a listener of its own. With peer addresses in cluster.conf
 * (the default now), a replica's peer port admits only the configured replicas and its client port
 * only clients: a client's key cannot complete a TLS handshake on the peer port, a replica's key
 * cannot on the client port, and with TLS off a NEW-KEY or BIND-PROOF in the wrong kind of
 * principal's name is refused on its header, before any signature or MAC work, each counted by
 * reason. A cluster.conf without peer addresses keeps one shared port, as before.
 */
@Timeout(180)
class PeerListenerLoopbackTest {
    private static final Duration WAIT = Duration.ofSeconds(30);

    @Test
    void underTlsEachListenerCompletesHandshakesOnlyWithItsPrincipals(@TempDir Path dir) throws Exception {
        try (RouteHijackLoopbackTest.Group g = new RouteHijackLoopbackTest.Group(dir, TransportConfig.forNodes(), true)) {
            ReplicaNode r0 = g.replicas.get(0);
            assertTrue(r0.separatePeerTraffic());
            assertNotEquals(g.ports.get(0), g.peerPorts.get(0));
            assertEquals("OK", KvOps.describe(g.client.invoke(KvOps.put("k", "v"), false, WAIT)));

            // A client's pinned key (the second client: a faulty insider) on the peer port: the handshake fails, counted.
            long peerRefusedBefore = r0.peerTransportStats().tlsNotAdmitted();
            long peerHandshakesBefore = r0.peerTransportStats().tlsHandshakes();
            RawPeer client = connectOrNull(g.peerPorts.get(0), g.insiderTls());
            Await.until("the client's key refused on the peer port", WAIT, () -> r0.peerTransportStats().tlsNotAdmitted() > peerRefusedBefore);
            if (client != null) {
                try {
                    client.send(g.client.newKeyFrame());   // whatever it sends goes nowhere
                } catch (IOException closedAlready) {
                    // refused before it could
                }
                Await.until("the client closed on the peer port", WAIT, () -> client.closedByPeer);
                assertTrue(client.received.isEmpty(), "a client received frames on a replica's peer port");
                client.close();
            }
            assertEquals(peerHandshakesBefore, r0.peerTransportStats().tlsHandshakes(), "no handshake with a client completed on the peer port");

            // A replica's pinned key (replica 1's) on the client port: likewise refused, counted there.
            long clientRefusedBefore = r0.transportStats().tlsNotAdmitted();
            RawPeer replica = connectOrNull(g.ports.get(0), io.bulwark.bft.node.NodeTls.forKeys(KeyMaterial.load(g.cluster.dir(), 1)).sslContext());
            Await.until("replica 1's key refused on the client port", WAIT, () -> r0.transportStats().tlsNotAdmitted() > clientRefusedBefore);
            if (replica != null) {
                Await.until("the replica closed on the client port", WAIT, () -> replica.closedByPeer);
                assertTrue(replica.received.isEmpty(), "frames went out on a refused connection");
                replica.close();
            }

            // The group never noticed: the replicas' own connections are untouched, the client is served.
            assertEquals("OK", KvOps.describe(g.client.invoke(KvOps.put("k", "w"), false, WAIT)));
            for (ReplicaNode r : g.replicas) {
                TransportStats peer = r.peerTransportStats();
                assertEquals(0, peer.connectionsRejected() + peer.evictedTableFull() + peer.evictedPerSource() + peer.unboundTimedOut(), r.describe());
            }
            System.out.println("TLS listeners: " + r0.describe());
        }
    }

    @Test
    void withTlsOffWrongPrincipalsAreRefusedOnTheirHeaderAndCounted(@TempDir Path dir) throws Exception {
        try (RouteHijackLoopbackTest.Group g = new RouteHijackLoopbackTest.Group(dir, TransportConfig.forNodes(), false)) {
            ReplicaNode r0 = g.replicas.get(0);
            assertEquals("OK", KvOps.describe(g.client.invoke(KvOps.put("k", "v"), false, WAIT)));
            var keyResultsBefore = r0.newKeyResults();

            // The peer port: a client's NEW-KEY is dropped unread (no signature checked, no key installed, no KEY-ACK),
            // and a proof in a client's name closes the connection.
            try (RawPeer p = new RawPeer(g.peerPorts.get(0))) {
                p.send(g.client.newKeyFrame());
                Await.until("a client's NEW-KEY refused on the peer port", WAIT, () -> r0.channelRejected(ChannelReject.NOT_A_REPLICA) == 1);
                p.send(handshakeFrame(MessageType.BIND_PROOF, g.cluster.n()));
                Await.until("a client's proof refused on the peer port", WAIT, () -> p.closedByPeer);
                assertEquals(2, r0.channelRejected(ChannelReject.NOT_A_REPLICA));
                assertEquals(0, p.receivedOtherThan(MessageType.BIND_CHALLENGE.code()), "only the challenge comes back on the peer port");
            }
            // The client port: a replica's NEW-KEY is dropped unread (before, it was answered with ours), and a proof
            // in a replica's name closes the connection before its MAC is looked at.
            try (RawPeer p = new RawPeer(g.ports.get(0))) {
                p.send(g.replicas.get(1).newKeyFrame());
                Await.until("a replica's NEW-KEY refused on the client port", WAIT, () -> r0.channelRejected(ChannelReject.REPLICA_ON_CLIENT_PORT) == 1);
                p.send(handshakeFrame(MessageType.BIND_PROOF, 1));
                Await.until("a replica's proof refused on the client port", WAIT, () -> p.closedByPeer);
                assertEquals(2, r0.channelRejected(ChannelReject.REPLICA_ON_CLIENT_PORT));
                assertEquals(0, p.receivedOtherThan(MessageType.BIND_CHALLENGE.code()), "a replica's NEW-KEY on the client port was answered");
            }
            assertEquals(keyResultsBefore, r0.newKeyResults(), "a refused NEW-KEY reached the key exchange");
            assertEquals(0, r0.channelRejected(ChannelReject.BAD_PROOF), "the proofs were refused on their header, not by their MAC");

            assertEquals("OK", KvOps.describe(g.client.invoke(KvOps.put("k", "w"), false, WAIT)));
            String described = r0.describe();
            assertTrue(described.contains("NOT_A_REPLICA=2") && described.contains("REPLICA_ON_CLIENT_PORT=2") && described.contains("peer port"), described);
        }
    }

    @Test
    void aClusterFileWithoutPeerAddressesSharesOnePortAsBefore(@TempDir Path dir) throws Exception {
        try (RouteHijackLoopbackTest.Group g = new RouteHijackLoopbackTest.Group(dir, TransportConfig.forNodes(), false, false)) {
            ReplicaNode r0 = g.replicas.get(0);
            assertFalse(r0.separatePeerTraffic());
            assertEquals(g.ports.get(0), g.peerPorts.get(0));
            assertEquals("OK", KvOps.describe(g.client.invoke(KvOps.put("k", "v"), false, WAIT)));
            // One listener admits both: a replica's NEW-KEY is answered there, as before issue 15.
            try (RawPeer p = new RawPeer(g.ports.get(0))) {
                p.send(g.replicas.get(1).newKeyFrame());
                Await.until("a replica's NEW-KEY answered on the shared port", WAIT,
                        () -> p.received.stream().anyMatch(f -> (f[1] & 0xff) == MessageType.NEW_KEY.code()));
            }
            assertEquals(0, r0.channelRejected(ChannelReject.REPLICA_ON_CLIENT_PORT) + r0.channelRejected(ChannelReject.NOT_A_REPLICA));
            assertTrue(r0.describe().contains("shared by clients and replicas"), r0.describe());
        }
    }

    /** A TLS connection with {@code tls}'s key, or null if the handshake already failed on our side (TLS 1.3 may report it later). */
    private static RawPeer connectOrNull(int port, javax.net.ssl.SSLContext tls) {
        try {
            return new RawPeer(port, tls);
        } catch (IOException refused) {
            return null;
        }
    }

    /** A frame header of {@code type} in {@code sender}'s name with a body of zeros (its MAC is never looked at). */
    private static byte[] handshakeFrame(MessageType type, int sender) {
        byte[] f = new byte[7 + 64];
        f[0] = 1;
        f[1] = (byte) type.code();
        f[5] = (byte) sender;
        return f;
    }
}
