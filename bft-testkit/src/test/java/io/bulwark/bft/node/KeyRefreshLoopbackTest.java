package io.bulwark.bft.node;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.bulwark.bft.keys.NewKeyResult;
import io.bulwark.bft.service.KvOps;
import io.bulwark.bft.service.KvService;
import io.bulwark.bft.testkit.MiniCluster;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Key refresh (issue 12 item 3, section 4.1) on real sockets: replicas and clients send NEW-KEYs
 * with fresh keys every T_k (here 200 ms) while a client keeps writing and reading; every call
 * completes with the right answer. A NEW-KEY an attacker recorded before a refresh is refused
 * (STALE_COUNTER), after a restart of the replica too: the counters accepted are kept in its data dir.
 */
@Timeout(180)
class KeyRefreshLoopbackTest {
    private static final Duration WAIT = Duration.ofSeconds(30);
    private static final Duration T_K = Duration.ofMillis(200);

    @Test
    void callsKeepSucceedingAcrossRefreshesAndAnOldNewKeyIsRefusedEvenAfterARestart(@TempDir Path dir) throws Exception {
        try (MiniCluster g = MiniCluster.builder(dir).tls(false).saveState(true).keyRefresh(T_K)
                .service(i -> new KvService()).waitLimit(WAIT).build()) {
            BftClient c = g.client(0);
            byte[] recorded = c.newKeyFrame();   // what an attacker on the network saw before any refresh
            int calls = 0;
            long until = System.nanoTime() + Duration.ofSeconds(60).toNanos();
            while ((c.keyRefreshes() < 5 || minReplicaRefreshes(g) < 5) && System.nanoTime() < until) {
                assertEquals("OK", KvOps.describe(c.invoke(KvOps.put("k" + calls, "v" + calls), false, WAIT)), "put " + calls);
                assertEquals("v" + calls, KvOps.describe(c.invoke(KvOps.get("k" + calls), false, WAIT)), "get " + calls);
                calls++;
            }
            assertTrue(c.keyRefreshes() >= 5 && minReplicaRefreshes(g) >= 5,
                    "refreshes: client " + c.keyRefreshes() + ", replicas at least " + minReplicaRefreshes(g) + " after " + calls + " calls");
            for (ReplicaNode r : g.replicas()) assertTrue(r.newKeyResults().getOrDefault(NewKeyResult.ACCEPTED, 0L) >= 5, r.describe());

            try (RawPeer attacker = new RawPeer(g.port(0))) {
                attacker.send(recorded);
                g.await("replica 0 to refuse the recorded NEW-KEY",
                        () -> g.replica(0).newKeyResults().getOrDefault(NewKeyResult.STALE_COUNTER, 0L) >= 1);
            }
            // The client goes away, so that nothing newer from it reaches replica 0 after its restart.
            int client = g.n();
            long latest = g.replica(0).lastNewKeyCounter(client);
            long old = java.nio.ByteBuffer.wrap(recorded).getLong(io.bulwark.bft.wire.Frame.HEADER_BYTES + 4);
            assertTrue(latest > old, "the client refreshed: " + latest + " > " + old);
            c.close();
            g.restart(0, true);
            assertTrue(Files.exists(g.dataDir(0).resolve(ReplicaNode.NEW_KEY_COUNTERS_FILE)));
            assertEquals(latest, g.replica(0).lastNewKeyCounter(client), "the counter came back from the data dir");
            try (RawPeer attacker = new RawPeer(g.port(0))) {
                attacker.send(recorded);
                g.await("the restarted replica 0 to refuse the recorded NEW-KEY",
                        () -> g.replica(0).newKeyResults().getOrDefault(NewKeyResult.STALE_COUNTER, 0L) >= 1);
            }
            assertEquals(latest, g.replica(0).lastNewKeyCounter(client));

            // The control: without the saved counters the same replay installs the old key.
            g.stop(0);
            Files.delete(g.dataDir(0).resolve(ReplicaNode.NEW_KEY_COUNTERS_FILE));
            g.start(0);
            try (RawPeer attacker = new RawPeer(g.port(0))) {
                attacker.send(recorded);
                g.await("a replica without saved counters to accept the recorded NEW-KEY", () -> g.replica(0).lastNewKeyCounter(client) == old);
            }
        }
    }

    private static long minReplicaRefreshes(MiniCluster g) {
        long min = Long.MAX_VALUE;
        for (ReplicaNode r : g.replicas()) min = Math.min(min, r.keyRefreshes());
        return min;
    }
}
