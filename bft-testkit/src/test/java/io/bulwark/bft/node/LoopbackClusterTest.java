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
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** A real replica group in one JVM over loopback TCP: keys from keygen, NEW-KEY exchange, MAC'd frames. */
@Timeout(120)
class LoopbackClusterTest {
    private static final Duration WAIT = Duration.ofSeconds(30);

    @Test
    void fourReplicasServePutsAndGetsAndKeepGoingWithOneBackupDown(@TempDir Path dir) throws Exception {
        ProtocolConfig cfg = ProtocolConfig.defaults(1).withCheckpointInterval(8, 16);
        try (MiniCluster g = MiniCluster.builder(dir).protocol(cfg).service(i -> new KvService()).waitLimit(WAIT).build()) {
            BftClient a = g.client(0), b = g.client(1);
            assertEquals("OK", KvOps.describe(a.invoke(KvOps.put("x", "1"), false, WAIT)));
            assertEquals("1", KvOps.describe(b.invoke(KvOps.get("x"), true, WAIT)), "read-only get sees the put");
            // Many requests in flight from two clients: batches, checkpoints (K=8) and log truncation.
            List<CompletableFuture<byte[]>> futures = new ArrayList<>();
            for (int i = 0; i < 100; i++) {
                futures.add(a.invokeAsync(KvOps.put("a" + (i % 5), "v" + i), false));
                futures.add(b.invokeAsync(KvOps.put("b" + (i % 5), "w" + i), false));
            }
            for (CompletableFuture<byte[]> f : futures) assertEquals("OK", KvOps.describe(f.get(WAIT.toSeconds(), java.util.concurrent.TimeUnit.SECONDS)));
            assertEquals("v99", KvOps.describe(a.invoke(KvOps.get("a4"), false, WAIT)));

            g.stop(3);    // f = 1 backup down: 2f+1 remain
            for (int i = 0; i < 20; i++) assertEquals("OK", KvOps.describe(a.invoke(KvOps.put("y", "" + i), false, WAIT)));
            assertEquals("19", KvOps.describe(b.invoke(KvOps.get("y"), false, WAIT)));
        }
    }

    /**
     * Issue 16 item 2 over real sockets and frames: values of 1,000 bytes, above the threshold, so the
     * primary names every write by digest and each backup takes it from its own client's copy. Every
     * write completes, reads see them, and the replicas' STATUS-REPORTs show the path was taken.
     */
    @Test
    void largeRequestsTravelByDigestAndExecuteEverywhere(@TempDir Path dir) throws Exception {
        ProtocolConfig cfg = ProtocolConfig.defaults(1).withCheckpointInterval(8, 16).withRequestByDigestBytes(512);
        try (MiniCluster g = MiniCluster.builder(dir).protocol(cfg).service(i -> new KvService()).waitLimit(WAIT).build()) {
            BftClient a = g.client(0), b = g.client(1);
            String big = "x".repeat(1000);
            List<CompletableFuture<byte[]>> futures = new ArrayList<>();
            for (int i = 0; i < 60; i++) {
                futures.add(a.invokeAsync(KvOps.put("a" + (i % 5), big + i), false));
                futures.add(b.invokeAsync(KvOps.put("b" + (i % 5), big + i), false));
            }
            for (CompletableFuture<byte[]> f : futures) assertEquals("OK", KvOps.describe(f.get(WAIT.toSeconds(), java.util.concurrent.TimeUnit.SECONDS)));
            assertEquals(big + 59, KvOps.describe(a.invoke(KvOps.get("b4"), false, WAIT)));
            var primary = a.status(0, WAIT).get(WAIT.toSeconds(), java.util.concurrent.TimeUnit.SECONDS);
            long byDigest = counter(primary, "requests_by_digest");
            assertTrue(byDigest >= 120, "the primary named every write by digest: " + primary.counters());
            // f+1 replies complete a write, so a backup may still be behind: each must reach the primary's
            // last batch (by agreement, or by state transfer with these small windows), within the wait.
            long deadline = System.nanoTime() + WAIT.toNanos();
            for (int j = 1; j < g.n(); j++) {
                var backup = a.status(j, WAIT).get(WAIT.toSeconds(), java.util.concurrent.TimeUnit.SECONDS);
                while (backup.lastExecuted() < primary.lastExecuted() && System.nanoTime() < deadline) {
                    Thread.sleep(20);
                    backup = a.status(j, WAIT).get(WAIT.toSeconds(), java.util.concurrent.TimeUnit.SECONDS);
                }
                assertTrue(backup.lastExecuted() >= primary.lastExecuted(), "backup " + j + " executed the batches: " + backup);
                assertEquals(0, counter(backup, "ignored.BAD_BATCH_DIGEST"), "backup " + j + ": " + backup.counters());
            }
        }
    }

    private static long counter(io.bulwark.bft.msg.StatusReport r, String name) {
        for (var c : r.counters()) if (c.name().equals(name)) return c.value();
        return 0;
    }
}
