package io.bulwark.bft.node;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.bulwark.bft.config.ClusterConfig;
import io.bulwark.bft.config.ClusterConfigFile;
import io.bulwark.bft.config.KeyMaterial;
import io.bulwark.bft.config.ProtocolConfig;
import io.bulwark.bft.core.Ignored;
import io.bulwark.bft.msg.MessageCodec;
import io.bulwark.bft.msg.MessageType;
import io.bulwark.bft.service.KvOps;
import io.bulwark.bft.testkit.Await;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * What an attacker holding captured frames (a man in the middle between a client and replica 0)
 * can still make a real replica do (issue 20): replay the client's frames on connections of its own
 * — dropped unread as unbound, the proof refused for naming another connection's challenge; inject
 * frames in another principal's name (DATA included) into the client's own connection — dropped;
 * replay a read-only request inside the client's connection — executed once, the replays refused.
 * Each refusal is counted by reason, and the client keeps getting certified replies. Runs with TLS
 * off: the binding handshake is what it tests (with TLS on, the man in the middle sees only ciphertext
 * and the TLS handshake binds the connection; {@link RouteHijackLoopbackTest} runs both ways).
 */
@Timeout(120)
class ChannelBindingLoopbackTest {
    private static final Duration WAIT = Duration.ofSeconds(30);

    @Test
    void capturedFramesAreRefusedAndCountedAndReadOnlyReplaysExecuteOnce(@TempDir Path dir) throws Exception {
        try (RouteHijackLoopbackTest.Group g = new RouteHijackLoopbackTest.Group(dir, io.bulwark.bft.net.TransportConfig.forNodes(), false);
             RecordingProxy mitm = new RecordingProxy(g.ports.get(0))) {
            ReplicaNode r0 = g.replicas.get(0);
            // A second client whose way to replica 0 runs through the proxy.
            Path viaProxy = Files.createDirectory(dir.resolve("via-proxy"));
            int id = 5;
            viaReplica0(dir, viaProxy, id, mitm.port());
            try (BftClient client = BftClient.connect(KeyMaterial.load(viaProxy, id), ProtocolConfig.defaults(1))) {
                assertTrue(client.awaitConnected(WAIT));
                Await.until("proved itself through the proxy", WAIT, () -> find(mitm, MessageType.BIND_PROOF.code()) != null);
                assertEquals("OK", KvOps.describe(client.invoke(KvOps.put("k", "v"), false, WAIT)));
                assertEquals("v", KvOps.describe(client.invoke(KvOps.get("k"), true, WAIT)));
                byte[] newKey = find(mitm, MessageType.NEW_KEY.code());
                byte[] proof = find(mitm, MessageType.BIND_PROOF.code());
                List<byte[]> requests = all(mitm, MessageType.REQUEST.code());
                byte[] readOnly = requests.stream().filter(f -> (f[7] & 1) != 0).findFirst().orElseThrow();

                // 1. The captured NEW-KEY and proof on the attacker's own connection: refused, connection closed.
                try (RawPeer a = new RawPeer(g.ports.get(0))) {
                    a.send(newKey);
                    a.send(proof);
                    Await.until("replayed proof refused", WAIT, () -> a.closedByPeer);
                }
                assertEquals(1, r0.channelRejected(ChannelReject.WRONG_CHALLENGE));
                // 2. Captured requests and a DATA frame on an unbound connection: dropped unread.
                long executed = r0.executedRequests();
                try (RawPeer a = new RawPeer(g.ports.get(0))) {
                    for (byte[] f : requests) a.send(f);
                    a.send(data(1));
                    int expected = requests.size() + 1;
                    Await.until("unbound frames dropped", WAIT, () -> r0.channelRejected(ChannelReject.UNBOUND_FRAME) == expected);
                }
                // 3. Inside the client's bound connection: frames in another's name (a DATA, a request
                //    re-labelled as another client's) are dropped before any MAC work.
                byte[] relabelled = readOnly.clone();
                relabelled[5] = (byte) (id + 1);
                mitm.inject(data(1));
                mitm.inject(relabelled);
                Await.until("wrong-sender frames dropped", WAIT, () -> r0.channelRejected(ChannelReject.WRONG_SENDER) == 2);
                // 4. The read-only request replayed 50 times where it is authentic: refused every time.
                for (int i = 0; i < 50; i++) mitm.inject(readOnly);
                Await.until("read-only replays refused", WAIT, () -> r0.ignored(Ignored.READ_ONLY_REPLAY) == 50);
                assertEquals(executed, r0.executedRequests(), "no replayed request was executed");

                assertEquals("OK", KvOps.describe(client.invoke(KvOps.put("k", "w"), false, WAIT)));
                assertEquals("w", KvOps.describe(client.invoke(KvOps.get("k"), true, WAIT)));
                System.out.println("replica 0 channels: " + r0.channelCounters());
            }
        }
    }

    /** Moves client {@code id}'s keys to {@code to}, with a cluster.conf that sends it to replica 0 at {@code port}. */
    private static void viaReplica0(Path from, Path to, int id, int port) throws Exception {
        ClusterConfig c = ClusterConfigFile.read(from.resolve(ClusterConfigFile.FILE_NAME));
        List<ClusterConfig.Replica> replicas = new ArrayList<>();
        for (ClusterConfig.Replica r : c.replicas())
            replicas.add(r.id() == 0 ? new ClusterConfig.Replica(0, r.host(), port, r.keys(), r.peerHost(), r.peerPort()) : r);
        ClusterConfigFile.write(new ClusterConfig(c.f(), replicas, c.clients(), c.tls()), to.resolve(ClusterConfigFile.FILE_NAME));
        for (String f : List.of(KeyMaterial.keyFileName(c, id), KeyMaterial.counterFileName(c, id)))
            Files.move(from.resolve(f), to.resolve(f));   // moved, not copied: a co-processor counter has one home
    }

    private static byte[] find(RecordingProxy p, int type) {
        for (byte[] f : p.fromDialer) if ((f[1] & 0xff) == type) return f;
        return null;
    }

    private static List<byte[]> all(RecordingProxy p, int type) {
        List<byte[]> out = new ArrayList<>();
        for (byte[] f : p.fromDialer) if ((f[1] & 0xff) == type) out.add(f);
        return out;
    }

    /** A DATA frame (no MAC: DATA is checked by its digest) in replica {@code sender}'s name. */
    private static byte[] data(int sender) {
        byte[] f = new byte[7 + 4 + 4096];
        f[0] = 1;
        f[1] = (byte) MessageType.DATA.code();
        f[5] = (byte) sender;
        return f;
    }
}
