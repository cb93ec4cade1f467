package io.bulwark.bft.node;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.bulwark.bft.config.KeyMaterial;
import io.bulwark.bft.core.Ignored;
import io.bulwark.bft.msg.RejectReason;
import io.bulwark.bft.service.KvOps;
import io.bulwark.bft.service.KvService;
import io.bulwark.bft.testkit.MiniCluster;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 15 item 2 with real sockets and TLS: one client id used by one short-lived client after
 * another (each a new {@link BftClient} with fresh session keys, as each {@code bulwark kv} call is a
 * new process). Every replica already holds the previous process's key, so a request that reached a
 * backup inside the primary's pre-prepare before the new NEW-KEY failed its MAC there (11
 * BAD_REQUEST_MAC at one replica in 20 such calls, before KEY-ACK). Now a client sends requests only
 * once the replicas acknowledged its key, and a backup waits for a key before complaining.
 */
@Timeout(180)
class ShortLivedClientsLoopbackTest {
    private static final Duration WAIT = Duration.ofSeconds(30);
    private static final int CLIENTS = 12;

    @Test
    void sequentialClientsUnderOneIdCostNoBadMacAndNoViewChange(@TempDir Path dir) throws Exception {
        try (MiniCluster g = MiniCluster.builder(dir).tls(true).service(i -> new KvService()).waitLimit(WAIT).build()) {
            KeyMaterial keys = g.keys(g.n());
            for (int k = 0; k < CLIENTS; k++) {
                try (BftClient c = BftClient.connect(keys, g.protocol())) {
                    assertTrue(c.awaitConnected(WAIT), "client process " + k + ": " + c.keyAcks() + " key acks; " + g.describe());
                    assertTrue(c.keyAcks() >= 2 * g.f() + 1);
                    assertEquals("OK", KvOps.describe(c.invoke(KvOps.put("k" + k, "v" + k), false, WAIT)));
                    assertEquals("v" + k, KvOps.describe(c.invoke(KvOps.get("k" + k), false, WAIT)));
                }
            }
            for (ReplicaNode r : g.replicas()) {
                g.await("replica " + r.id() + " to execute every write", () -> r.executedRequests() >= 2L * CLIENTS);
                String where = "replica " + r.id() + ": " + r.describe();
                assertEquals(0, r.rejected(RejectReason.BAD_REQUEST_MAC), where);
                assertEquals(0, r.rejected(RejectReason.NO_REQUEST_KEY), where);
                assertEquals(0, r.ignored(Ignored.UNAUTHENTICATED_REQUEST), where);
                assertEquals(0, r.authFailuresSent(), where);
                assertEquals(0, r.quarantinesImposed(), where);
                assertEquals(0, r.viewChangesStarted(), where);
                assertEquals(0, r.view(), where);
            }
        }
    }
}
