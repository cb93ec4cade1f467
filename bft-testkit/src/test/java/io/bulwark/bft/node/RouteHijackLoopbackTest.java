package io.bulwark.bft.node;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.bulwark.bft.config.KeyMaterial;
import io.bulwark.bft.config.ProtocolConfig;
import io.bulwark.bft.msg.MessageCodec;
import io.bulwark.bft.msg.MessageType;
import io.bulwark.bft.service.KvOps;
import io.bulwark.bft.service.KvService;
import io.bulwark.bft.testkit.MiniCluster;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeoutException;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 20's two hijacks, as an outside attacker with no keys mounts them against a real group on
 * loopback: open a TCP connection to a replica and replay, unchanged, a captured NEW-KEY of another
 * principal. Before channel binding the replica made that connection the principal's route, so
 * what it sent to that principal went to the attacker: replicas could not reach each other, and a
 * client's replies were lost. Now a NEW-KEY binds nothing; the group keeps working and the attacker
 * receives nothing but the handshake.
 *
 * <p>Both ways: with TLS off the attacker is an outsider with a plain socket (the binding handshake
 * refuses it); with TLS on (the default) an outsider's plain socket is closed at the TLS handshake,
 * so the attacker is an insider — a faulty client holding its own pinned TLS key — whose connection
 * the TLS handshake binds to itself, so the NEW-KEYs it replays take over nothing either.
 */
@Timeout(120)
class RouteHijackLoopbackTest {
    private static final Duration WAIT = Duration.ofSeconds(30);
    /** Generous for one request on loopback (about 10 ms unattacked); the hijacked group took 8 s and more. */
    private static final Duration REQUEST = Duration.ofSeconds(5);

    /**
     * Where a replica's NEW-KEY is admitted: the shared port of a group without peer addresses, or the
     * peer port of one with them (issue 15; with TLS on there, an insider client cannot even complete the
     * handshake: {@link PeerListenerLoopbackTest}).
     */
    @ParameterizedTest(name = "tls={0} peerPorts={1}")
    @CsvSource({"true,false", "false,false", "false,true"})
    void replayedReplicaNewKeysDoNotTakeOverRoutesBetweenReplicas(boolean tls, boolean peerPorts, @TempDir Path dir) throws Exception {
        try (Group g = new Group(dir, io.bulwark.bft.net.TransportConfig.forNodes(), tls, peerPorts)) {
            assertEquals("OK", KvOps.describe(g.client.invoke(KvOps.put("k", "before"), false, WAIT)));
            // Every route among replicas 0, 1 and 2: at replica t, replay replica v's NEW-KEY.
            for (int t = 0; t < 3; t++) {
                for (int v = 0; v < 3; v++) {
                    if (v == t) continue;
                    RawPeer p = g.peerAttacker(t);
                    p.send(g.replicas.get(v).newKeyFrame());
                }
            }
            g.awaitAttackersAnswered();
            for (int i = 0; i < 5; i++) {
                assertEquals("OK", KvOps.describe(invoke(g, KvOps.put("k", "v" + i), false)), "request " + i + " under the hijack");
            }
            assertEquals("v4", KvOps.describe(invoke(g, KvOps.get("k"), true)));
            for (RawPeer p : g.attackers)
                assertEquals(0, p.receivedOtherThan(MessageType.NEW_KEY.code(), MessageType.BIND_CHALLENGE.code()),
                        "the attacker received protocol messages meant for a replica");
            if (tls) g.assertOutsiderRefusedByTls();
        }
    }

    @ParameterizedTest(name = "tls={0}")
    @ValueSource(booleans = {true, false})
    void aReplayedClientNewKeyDoesNotTakeOverTheClientsRoute(boolean tls, @TempDir Path dir) throws Exception {
        try (Group g = new Group(dir, io.bulwark.bft.net.TransportConfig.forNodes(), tls)) {
            assertEquals("OK", KvOps.describe(g.client.invoke(KvOps.put("k", "before"), false, WAIT)));
            byte[] clientKey = g.client.newKeyFrame();
            for (int t = 0; t < 3; t++) g.attacker(t).send(clientKey);
            for (int i = 0; i < 5; i++) {
                assertEquals("OK", KvOps.describe(invoke(g, KvOps.put("c", "v" + i), false)), "request " + i + " under the hijack");
            }
            assertEquals("v4", KvOps.describe(invoke(g, KvOps.get("c"), true)));
            for (RawPeer p : g.attackers)
                assertEquals(0, p.receivedOtherThan(MessageType.NEW_KEY.code(), MessageType.BIND_CHALLENGE.code()),
                        "the attacker received replies meant for the client");
            if (tls) g.assertOutsiderRefusedByTls();
        }
    }

    private static byte[] invoke(Group g, byte[] op, boolean readOnly) throws Exception {
        try {
            return g.client.invoke(op, readOnly, REQUEST);
        } catch (TimeoutException e) {
            throw new AssertionError("no certified reply within " + REQUEST + " while attackers replay NEW-KEYs: "
                    + g.describe(), e);
        }
    }

    /** Four replicas (f = 1) and one client on loopback (a {@link MiniCluster}), and the attackers' sockets; closes them all. */
    static final class Group implements AutoCloseable {
        final MiniCluster cluster;
        final List<ReplicaNode> replicas;
        final List<Integer> ports = new ArrayList<>();
        /** The ports replicas reach each other on: their own with peer addresses (the default), else the same as {@link #ports}. */
        final List<Integer> peerPorts = new ArrayList<>();
        final List<RawPeer> attackers = new ArrayList<>();
        final BftClient client;

        final boolean tls;
        private final Path dir;

        Group(Path dir) throws Exception { this(dir, io.bulwark.bft.net.TransportConfig.forNodes()); }

        Group(Path dir, io.bulwark.bft.net.TransportConfig transport) throws Exception { this(dir, transport, true); }

        Group(Path dir, io.bulwark.bft.net.TransportConfig transport, boolean tls) throws Exception { this(dir, transport, tls, true); }

        /** {@code separatePeerPorts}: replica traffic on ports of its own (issue 15), or on the client ports (a cluster.conf without peer= addresses). */
        Group(Path dir, io.bulwark.bft.net.TransportConfig transport, boolean tls, boolean separatePeerPorts) throws Exception {
            this.tls = tls;
            this.dir = dir;
            cluster = MiniCluster.builder(dir).protocol(ProtocolConfig.defaults(1)).service(i -> new KvService()).pages(16)
                    .transport(transport).tls(tls).peerPorts(separatePeerPorts).waitLimit(WAIT).build();
            try {
                replicas = cluster.replicas();
                for (int i = 0; i < cluster.n(); i++) ports.add(cluster.port(i));
                for (int i = 0; i < cluster.n(); i++) peerPorts.add(cluster.peerPort(i));
                client = cluster.client(0);
            } catch (Exception | Error e) {
                cluster.close();
                throw e;
            }
        }

        /** At a replica's client port: without TLS an outsider's plain socket; with TLS the second client's (a faulty insider with its own pinned key). */
        RawPeer attacker(int replica) throws Exception {
            RawPeer p = tls ? new RawPeer(ports.get(replica), insiderTls()) : new RawPeer(ports.get(replica));
            attackers.add(p);
            return p;
        }

        /** As {@link #attacker}, at the port replicas reach the replica on. */
        RawPeer peerAttacker(int replica) throws Exception {
            RawPeer p = tls ? new RawPeer(peerPorts.get(replica), insiderTls()) : new RawPeer(peerPorts.get(replica));
            attackers.add(p);
            return p;
        }

        javax.net.ssl.SSLContext insiderTls() throws Exception {
            return NodeTls.forKeys(KeyMaterial.load(dir, cluster.n() + 1)).sslContext();
        }

        /** With TLS on: an outsider's plain socket replaying a NEW-KEY is closed at the handshake, counted, and gets nothing. */
        void assertOutsiderRefusedByTls() throws Exception {
            long before = replicas.get(0).transportStats().tlsNotTls();
            try (RawPeer outsider = new RawPeer(ports.get(0))) {
                outsider.send(replicas.get(1).newKeyFrame());
                io.bulwark.bft.testkit.Await.until("the outsider closed by replica 0", WAIT, () -> outsider.closedByPeer);
                assertTrue(outsider.received.isEmpty(), "an outsider received something over a TLS port");
            }
            io.bulwark.bft.testkit.Await.until("counted as not TLS", WAIT, () -> replicas.get(0).transportStats().tlsNotTls() > before);
        }

        /** Waits until every attacker got something back (a challenge now; before the fix, traffic meant for the victim). */
        void awaitAttackersAnswered() {
            io.bulwark.bft.testkit.Await.until("replicas answered the attackers", WAIT,
                    () -> attackers.stream().allMatch(p -> !p.received.isEmpty()));
        }

        String describe() {
            StringBuilder b = new StringBuilder();
            for (ReplicaNode r : replicas) b.append("\n  ").append(r.describe());
            return b.toString();
        }

        @Override public void close() {
            for (RawPeer p : attackers) {
                try { p.close(); } catch (java.io.IOException ignored) { /* closing anyway */ }
            }
            cluster.close();   // the client, then the replicas
        }
    }
}
