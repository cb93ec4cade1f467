package io.bulwark.bft.testkit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.bulwark.bft.config.ProtocolConfig;
import io.bulwark.bft.node.BftClient;
import io.bulwark.bft.node.ReplicaNode;
import io.bulwark.bft.service.KvOps;
import io.bulwark.bft.service.KvService;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** The fixture's own promises: restart with and without the saved state, waits that fail with the group's state, refusals. */
@Timeout(120)
class MiniClusterTest {
    private static final Duration WAIT = Duration.ofSeconds(30);
    private static final int K = 4;

    @Test
    void aReplicaRestartsFromItsSavedStateOrFromNothingAndCatchesUp(@TempDir Path dir) throws Exception {
        ProtocolConfig cfg = ProtocolConfig.defaults(1).withCheckpointInterval(K, 2 * K).withTimeouts(100, 200, 1_000);
        try (MiniCluster g = MiniCluster.builder(dir).protocol(cfg).clients(1).service(i -> new KvService())
                .saveState(true).waitLimit(WAIT).build()) {
            BftClient c = g.client(0);
            for (int i = 0; g.replica(3).savedCheckpoint() < 2 * K; i++) {
                assertTrue(i < 100 * K, "replica 3 saved nothing: " + g.describe());
                assertEquals("OK", KvOps.describe(c.invoke(KvOps.put("k", "" + i), false, WAIT)));
            }
            // With its data dir: it starts at the checkpoint it saved.
            ReplicaNode kept = g.restart(3, true);
            assertTrue(kept.lastExecuted() >= 2 * K, "started at its saved checkpoint: " + kept.describe());

            g.stop(3);
            g.wipe(3);
            assertFalse(Files.exists(g.dataDir(3)), "the data dir is gone");
            assertThrows(IllegalStateException.class, () -> g.replica(3), "a stopped replica is not handed out");
            ReplicaNode fresh = g.start(3);
            assertThrows(IllegalStateException.class, () -> g.wipe(3), "a running replica's data dir is not wiped");
            // From nothing: it catches up with the others (a state transfer, or retransmission).
            for (int i = 0; fresh.lastExecuted() < g.replica(0).lastExecuted() || fresh.lastExecuted() < 2 * K; i++) {
                assertTrue(i < 100 * K, "replica 3 did not catch up: " + g.describe());
                long group = g.replica(0).lastExecuted();
                g.awaitExecuted(3, group);
                assertEquals("OK", KvOps.describe(c.invoke(KvOps.put("k", "again" + i), false, WAIT)));
            }
        }
    }

    @Test
    void aWaitThatRunsOutNamesWhatItWaitedForAndTheGroupsState(@TempDir Path dir) throws Exception {
        try (MiniCluster g = MiniCluster.builder(dir).service(i -> new KvService()).waitLimit(Duration.ofMillis(50)).startOnly(0, 1, 2).build()) {
            AssertionError e = assertThrows(AssertionError.class, () -> g.await("something that never happens", () -> false));
            assertTrue(e.getMessage().contains("something that never happens"), e.getMessage());
            assertTrue(e.getMessage().contains("replica 0: view 0") && e.getMessage().contains("replica 3 stopped"), e.getMessage());
            assertThrows(IllegalArgumentException.class, () -> g.client(2), "the group has two clients");
            assertThrows(IllegalStateException.class, () -> g.start(0), "replica 0 already runs");
        }
    }

    @Test
    void aGroupWithoutAServiceOrWithAnotherFIsRefused(@TempDir Path dir) {
        assertThrows(IllegalStateException.class, () -> MiniCluster.builder(dir).build());
        assertThrows(IllegalArgumentException.class,
                () -> MiniCluster.builder(dir).f(1).protocol(ProtocolConfig.defaults(2)).service(i -> new KvService()).build());
        assertThrows(IllegalArgumentException.class, () -> MiniCluster.builder(dir).outbound(4, io.bulwark.bft.node.OutboundInterceptor.NONE)
                .service(i -> new KvService()).build());
    }
}
