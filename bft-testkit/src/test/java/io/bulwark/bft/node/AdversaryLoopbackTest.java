package io.bulwark.bft.node;

import io.bulwark.bft.testkit.Await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.bulwark.bft.config.ClusterConfig;
import io.bulwark.bft.config.KeyMaterial;
import io.bulwark.bft.config.ProtocolConfig;
import io.bulwark.bft.net.EventLoop;
import io.bulwark.bft.service.KvOps;
import io.bulwark.bft.service.KvService;
import io.bulwark.bft.msg.RejectReason;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.IntFunction;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** The runtime adversaries of {@code bulwark bench attack}, each in a real 4-replica group on loopback. */
@Timeout(120)
class AdversaryLoopbackTest {
    private static final Duration WAIT = Duration.ofSeconds(30);
    // A view-change timeout far above anything these tests wait for: no view change interferes.
    private static final ProtocolConfig CFG = ProtocolConfig.defaults(1).withCheckpointInterval(8, 16).withTimeouts(100, 200, 20_000);

    private static List<ReplicaNode> start(Path dir, IntFunction<Adversary> adversaryOf) throws Exception {
        ClusterConfig cluster = LocalCluster.prepare(dir, 1, 2);
        List<ReplicaNode> replicas = new ArrayList<>();
        try {
            for (int i = 0; i < cluster.n(); i++) {
                ReplicaNode r = new ReplicaNode(KeyMaterial.load(dir, i), CFG, new KvService(), 64, adversaryOf.apply(i));
                replicas.add(r);
                r.start();
            }
        } catch (Exception | Error e) {
            for (ReplicaNode r : replicas) r.close();
            throw e;
        }
        return replicas;
    }

    @Test
    void silentBackupSendsNothingYetTheOthersServe(@TempDir Path dir) throws Exception {
        List<ReplicaNode> replicas = start(dir, i -> i == 3 ? Adversary.silent() : Adversary.NONE);
        try (BftClient a = BftClient.connect(KeyMaterial.load(dir, 4), CFG)) {
            assertTrue(a.awaitConnected(WAIT));
            for (int i = 0; i < 10; i++) assertEquals("OK", KvOps.describe(a.invoke(KvOps.put("x", "" + i), false, WAIT)));
            assertEquals("9", KvOps.describe(a.invoke(KvOps.get("x"), true, WAIT)), "read-only: 2f+1 = 3 correct replicas answer");
            // It receives everything: it commits and executes like the others, though nobody hears from it.
            // It takes part in nothing the others can see (it cannot even ask for retransmissions, so it
            // may fall behind for good if it missed a message before keys were set up).
            assertTrue(replicas.get(3).withheldMessages() > 0);
            for (int i = 0; i < 3; i++) {
                ReplicaNode r = replicas.get(i);
                Await.until("replica " + i + " to execute the writes", WAIT, () -> r.executedRequests() >= 10);
                assertEquals(0, r.rejected(RejectReason.BAD_MAC));
            }
        } finally {
            for (ReplicaNode r : replicas) r.close();
        }
    }

    @Test
    void slowPrimaryHoldsBackEveryPrePrepare(@TempDir Path dir) throws Exception {
        long delayMs = 300;
        List<ReplicaNode> replicas = start(dir, i -> i == 0 ? Adversary.slowPrimary(delayMs) : Adversary.NONE);
        try (BftClient a = BftClient.connect(KeyMaterial.load(dir, 4), CFG)) {
            assertTrue(a.awaitConnected(WAIT));
            for (int i = 0; i < 3; i++) {
                long t0 = System.nanoTime();
                assertEquals("OK", KvOps.describe(a.invoke(KvOps.put("x", "" + i), false, WAIT)));
                long ms = (System.nanoTime() - t0) / 1_000_000;
                // Backups can prepare only after the pre-prepare reached them.
                assertTrue(ms >= delayMs, "a write took " + ms + " ms, less than the pre-prepare delay");
            }
            assertEquals(0, a.view());
        } finally {
            for (ReplicaNode r : replicas) r.close();
        }
    }

    @Test
    void bigMacRequestsAreOrderedByThePrimaryFailAtEveryBackupAndGetTheClientQuarantined(@TempDir Path dir) throws Exception {
        List<ReplicaNode> replicas = start(dir, i -> Adversary.NONE);
        try (BftClient good = BftClient.connect(KeyMaterial.load(dir, 4), CFG);
             EventLoop loop = EventLoop.start("big-mac");
             BftClient bad = BftClient.connectBigMac(KeyMaterial.load(dir, 5), CFG, loop, j -> j == CFG.primaryOf(0))) {
            assertTrue(good.awaitConnected(WAIT));
            assertTrue(bad.awaitConnected(WAIT));
            assertEquals("OK", KvOps.describe(good.invoke(KvOps.put("x", "1"), false, WAIT)));
            bad.invokeAsync(KvOps.put("x", "evil"), false);
            for (int i = 1; i < 4; i++) {
                ReplicaNode r = replicas.get(i);
                Await.until("backup " + i + " to find the client's MAC bad in a pre-prepare", WAIT,
                        () -> r.rejected(RejectReason.BAD_REQUEST_MAC) > 0);
            }
            assertEquals(0, replicas.get(0).rejected(RejectReason.BAD_MAC), "the primary's entry is valid");
            assertEquals(0, replicas.get(0).rejected(RejectReason.BAD_REQUEST_MAC));
            // The backups' AUTH-FAILUREs (3 >= f+1) quarantine the client under replica 0 and end
            // view 0 at once: the view-change timeout (20 s) has nothing to do with it.
            for (ReplicaNode r : replicas) Await.until("replica " + r.id() + " to leave view 0", WAIT, () -> r.view() >= 1);
            assertEquals("OK", KvOps.describe(good.invoke(KvOps.put("x", "2"), false, WAIT)), "correct clients go on in the new view");
            assertTrue(good.view() >= 1, "the reply certificate is from a later view");
        } finally {
            for (ReplicaNode r : replicas) r.close();
        }
    }
}
