package io.bulwark.bft.node;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.bulwark.bft.config.ProtocolConfig;
import io.bulwark.bft.service.KvOps;
import io.bulwark.bft.service.KvService;
import io.bulwark.bft.testkit.MiniCluster;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 3 item 5: a real 4-replica group on loopback loses its primary (its node stops abruptly
 * with requests in flight: connections drop, nothing more is sent); the backups change view and
 * clients keep getting certified replies.
 */
@Timeout(180)
class FailoverLoopbackTest {
    private static final Duration WAIT = Duration.ofSeconds(30);

    @Test
    void clientsKeepGettingCertifiedRepliesAfterThePrimaryDies(@TempDir Path dir) throws Exception {
        // Short timeouts keep the test quick: STATUS 100 ms, client retransmission 200 ms, view change 500 ms.
        ProtocolConfig cfg = ProtocolConfig.defaults(1).withCheckpointInterval(8, 16).withTimeouts(100, 200, 500);
        try (MiniCluster g = MiniCluster.builder(dir).protocol(cfg).service(i -> new KvService()).waitLimit(WAIT).build()) {
            BftClient a = g.client(0), b = g.client(1);
            assertEquals("OK", KvOps.describe(a.invoke(KvOps.put("k", "before"), false, WAIT)));
            assertEquals("before", KvOps.describe(b.invoke(KvOps.get("k"), false, WAIT)));
            assertEquals(0, a.view());
            int primary = cfg.primaryOf(0);

            // Requests in flight when the primary dies: some may be ordered already, some not.
            List<CompletableFuture<byte[]>> inFlight = new ArrayList<>();
            for (int i = 0; i < 20; i++) {
                inFlight.add(a.invokeAsync(KvOps.put("a", "a" + i), false));
                inFlight.add(b.invokeAsync(KvOps.put("b", "b" + i), false));
            }
            g.stop(primary);

            for (CompletableFuture<byte[]> f : inFlight) assertEquals("OK", KvOps.describe(f.get(WAIT.toSeconds(), TimeUnit.SECONDS)));
            assertEquals("OK", KvOps.describe(a.invoke(KvOps.put("k", "after"), false, WAIT)));
            assertTrue(a.view() > 0, "client a's certificate came from a later view, was " + a.view());
            assertEquals("after", KvOps.describe(b.invoke(KvOps.get("k"), false, WAIT)));
            assertTrue(b.view() > 0, "client b's certificate came from a later view, was " + b.view());
            for (ReplicaNode r : g.replicas()) {
                // Only 2f+1 = 3 replicas remain, so every one of them took part in the new view.
                g.await("replica " + r.id() + " to leave view 0", () -> r.view() > 0);
            }

            // Normal operation resumes: every write is executed exactly once, in order.
            for (int i = 0; i < 30; i++) assertEquals("OK", KvOps.describe(a.invoke(KvOps.put("n", "" + i), false, WAIT)));
            assertEquals("29", KvOps.describe(b.invoke(KvOps.get("n"), false, WAIT)));
            assertEquals("a19", KvOps.describe(b.invoke(KvOps.get("a"), true, WAIT)), "read-only get after the view change");
            assertEquals("b19", KvOps.describe(a.invoke(KvOps.get("b"), false, WAIT)));
        }
    }
}
