package io.bulwark.bft.node;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.bulwark.bft.config.ProtocolConfig;
import io.bulwark.bft.net.EventLoop;
import io.bulwark.bft.service.KvOps;
import io.bulwark.bft.service.KvService;
import io.bulwark.bft.msg.RejectReason;
import io.bulwark.bft.testkit.MiniCluster;
import io.bulwark.bft.testkit.attack.BigMacClient;
import io.bulwark.bft.testkit.attack.SilentReplica;
import io.bulwark.bft.testkit.attack.SlowPrimary;
import io.bulwark.bft.testkit.attack.WrongResults;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** The runtime adversaries of {@code bulwark bench attack}, each in a real 4-replica group on loopback. */
@Timeout(120)
class AdversaryLoopbackTest {
    private static final Duration WAIT = Duration.ofSeconds(30);
    // A view-change timeout far above anything these tests wait for: no view change interferes.
    private static final ProtocolConfig CFG = ProtocolConfig.defaults(1).withCheckpointInterval(8, 16).withTimeouts(100, 200, 20_000);

    private static MiniCluster.Builder group(Path dir) {
        return MiniCluster.builder(dir).protocol(CFG).service(i -> new KvService()).waitLimit(WAIT);
    }

    @Test
    void silentBackupSendsNothingYetTheOthersServe(@TempDir Path dir) throws Exception {
        SilentReplica silent = new SilentReplica();
        try (MiniCluster g = group(dir).outbound(3, silent).build()) {
            BftClient a = g.client(0);
            for (int i = 0; i < 10; i++) assertEquals("OK", KvOps.describe(a.invoke(KvOps.put("x", "" + i), false, WAIT)));
            assertEquals("9", KvOps.describe(a.invoke(KvOps.get("x"), true, WAIT)), "read-only: 2f+1 = 3 correct replicas answer");
            // It receives everything: it commits and executes like the others, though nobody hears from it.
            // It takes part in nothing the others can see (it cannot even ask for retransmissions, so it
            // may fall behind for good if it missed a message before keys were set up).
            assertTrue(silent.withheld() > 0);
            for (int i = 0; i < 3; i++) {
                ReplicaNode r = g.replica(i);
                g.await("replica " + i + " to execute the writes", () -> r.executedRequests() >= 10);
                assertEquals(0, r.rejected(RejectReason.BAD_MAC));
            }
        }
    }

    @Test
    void aReplicaLyingInEveryReplyIsOutvoted(@TempDir Path dir) throws Exception {
        for (int liar : new int[] {0, 3}) {   // the primary (the designated replier of some requests) and a backup
            WrongResults lies = new WrongResults();
            try (MiniCluster g = group(dir.resolve("liar-" + liar)).outbound(liar, lies).build()) {
                BftClient a = g.client(0);
                for (int i = 0; i < 10; i++) assertEquals("OK", KvOps.describe(a.invoke(KvOps.put("x", "" + i), false, WAIT)));
                assertEquals("9", KvOps.describe(a.invoke(KvOps.get("x"), true, WAIT)), "read-only: 2f+1 = 3 matching, the liar's not among them");
                assertTrue(lies.forged() > 0, "replica " + liar + " lied");
            }
        }
    }

    @Test
    void slowPrimaryHoldsBackEveryPrePrepare(@TempDir Path dir) throws Exception {
        long delayMs = 300;
        try (MiniCluster g = group(dir).outbound(0, new SlowPrimary(delayMs)).build()) {
            BftClient a = g.client(0);
            for (int i = 0; i < 3; i++) {
                long t0 = System.nanoTime();
                assertEquals("OK", KvOps.describe(a.invoke(KvOps.put("x", "" + i), false, WAIT)));
                long ms = (System.nanoTime() - t0) / 1_000_000;
                // Backups can prepare only after the pre-prepare reached them.
                assertTrue(ms >= delayMs, "a write took " + ms + " ms, less than the pre-prepare delay");
            }
            assertEquals(0, a.view());
        }
    }

    @Test
    void bigMacRequestsAreOrderedByThePrimaryFailAtEveryBackupAndGetTheClientQuarantined(@TempDir Path dir) throws Exception {
        try (MiniCluster g = group(dir).build();
             EventLoop loop = EventLoop.start("big-mac");
             BigMacClient bad = BigMacClient.connect(g.keys(5), CFG, loop, j -> j == CFG.primaryOf(0))) {
            BftClient good = g.client(0);
            assertTrue(bad.client().awaitConnected(WAIT));
            assertEquals("OK", KvOps.describe(good.invoke(KvOps.put("x", "1"), false, WAIT)));
            bad.client().invokeAsync(KvOps.put("x", "evil"), false);
            for (int i = 1; i < 4; i++) {
                ReplicaNode r = g.replica(i);
                g.await("backup " + i + " to find the client's MAC bad in a pre-prepare", () -> r.rejected(RejectReason.BAD_REQUEST_MAC) > 0);
            }
            assertEquals(0, g.replica(0).rejected(RejectReason.BAD_MAC), "the primary's entry is valid");
            assertEquals(0, g.replica(0).rejected(RejectReason.BAD_REQUEST_MAC));
            // The backups' AUTH-FAILUREs (3 >= f+1) quarantine the client under replica 0 and end
            // view 0 at once: the view-change timeout (20 s) has nothing to do with it.
            for (ReplicaNode r : g.replicas()) g.await("replica " + r.id() + " to leave view 0", () -> r.view() >= 1);
            assertEquals("OK", KvOps.describe(good.invoke(KvOps.put("x", "2"), false, WAIT)), "correct clients go on in the new view");
            assertTrue(good.view() >= 1, "the reply certificate is from a later view");
        }
    }

    @Test
    void untrackedBigMacRequestsFailAtEveryBackup(@TempDir Path dir) throws Exception {
        try (MiniCluster g = group(dir).build();
             EventLoop loop = EventLoop.start("big-mac");
             BigMacClient bad = BigMacClient.connect(g.keys(5), CFG, loop, j -> j == CFG.primaryOf(0))) {
            BftClient good = g.client(0);
            assertTrue(bad.client().awaitConnected(WAIT));
            assertEquals("OK", KvOps.describe(good.invoke(KvOps.put("x", "1"), false, WAIT)));
            // bench attack's flood: requests with fresh timestamps, none tracked; the backups reject them as above.
            for (int i = 0; i < 3; i++) bad.sendUntracked(KvOps.put("x", "evil" + i));
            for (int i = 1; i < 4; i++) {
                ReplicaNode r = g.replica(i);
                g.await("backup " + i + " to find an untracked request's MAC bad", () -> r.rejected(RejectReason.BAD_REQUEST_MAC) > 0);
            }
            assertEquals(0, g.replica(0).rejected(RejectReason.BAD_REQUEST_MAC), "the primary's entry is valid");
        }
    }
}
