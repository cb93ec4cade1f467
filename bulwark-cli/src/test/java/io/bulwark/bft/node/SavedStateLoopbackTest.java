package io.bulwark.bft.node;

import io.bulwark.bft.testkit.Await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.bulwark.bft.cli.BulwarkCli;
import io.bulwark.bft.config.ClusterConfig;
import io.bulwark.bft.config.KeyMaterial;
import io.bulwark.bft.config.ProtocolConfig;
import io.bulwark.bft.crypto.Digest;
import io.bulwark.bft.service.FillService;
import io.bulwark.bft.state.PageStore;
import java.io.PrintWriter;
import java.io.RandomAccessFile;
import java.io.StringWriter;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Saving the state while running ({@code --data-dir}) and checking a stopped replica's saved state
 * ({@code bulwark replica --check}): a loopback group saves at stable checkpoints; replica 1 is
 * stopped, its saved state checks clean; a bit of one page in its page file is flipped, and the
 * check names that page and exits 1. Started again from the damaged directory, replica 1 finds the
 * page, executes nothing, repairs it by state transfer once the others are ahead, and then agrees
 * with them on a checkpoint digest; its next saves leave a directory that checks clean. A replica
 * restarted from a clean saved state starts at its checkpoint (not at 0) and executes with the others.
 */
@Timeout(180)
class SavedStateLoopbackTest {
    private static final Duration WAIT = Duration.ofSeconds(60);
    private static final int PAGES = 1_000;
    private static final int K = 8, L = 16;

    private record Run(int exit, String out, String err) {}

    private static Run cli(String... args) {
        StringWriter out = new StringWriter(), err = new StringWriter();
        int exit = BulwarkCli.commandLine().setOut(new PrintWriter(out)).setErr(new PrintWriter(err)).execute(args);
        return new Run(exit, out.toString(), err.toString());
    }

    @Test
    void aStoppedReplicasFlippedPageIsReportedAndRepairedOnRestart(@TempDir Path dir) throws Exception {
        ClusterConfig cluster = LocalCluster.prepare(dir, 1, 1);
        ProtocolConfig cfg = ProtocolConfig.defaults(1).withCheckpointInterval(K, L).withTimeouts(100, 200, 1_000);
        List<ReplicaNode> replicas = new ArrayList<>();
        ReplicaNode restarted = null;
        try {
            for (int i = 0; i < 4; i++) replicas.add(start(dir, i, cfg));
            ReplicaNode r0 = replicas.get(0), r1 = replicas.get(1);
            try (BftClient client = BftClient.connect(KeyMaterial.load(dir, cluster.n()), cfg)) {
                assertTrue(client.awaitConnected(WAIT));
                FillService.resultValue(client.invoke(FillService.write(100, 20, 42), false, WAIT));   // pages 100..119
                for (int i = 0; r1.savedCheckpoint() < 2 * K; i++) {
                    assertTrue(i < 50 * L, "replica 1 did not save checkpoint " + 2 * K + ": " + r1.describe());
                    FillService.resultValue(client.invoke(FillService.write(500 + i % 50, 1, i), false, WAIT));
                }
                replicas.remove(r1);
                r1.close();   // waits for a save under way: the header is the commit point
                Path data = dataDir(dir, 1);
                long saved = PageStore.load(data).seq();
                assertTrue(saved >= 2 * K && saved % K == 0, "saved checkpoint " + saved);

                Run clean = cli("replica", "--check", "--data-dir", data.toString());
                assertEquals(0, clean.exit(), clean.out() + clean.err());
                assertTrue(clean.out().contains(PageStore.load(data).tree().pageCount() + " pages checked, 0 corrupt: []"), clean.out());
                assertTrue(clean.out().contains("checkpoint " + saved), clean.out());

                try (RandomAccessFile f = new RandomAccessFile(data.resolve(PageStore.PAGES).toFile(), "rw")) {
                    long at = 107L * 4096 + 1234;
                    f.seek(at);
                    int b = f.read();
                    f.seek(at);
                    f.write(b ^ 0x10);
                }
                Run bad = cli("replica", "--check", "--data-dir", data.toString());
                assertEquals(1, bad.exit(), bad.out() + bad.err());
                assertTrue(bad.out().contains("1 corrupt: [107]"), bad.out());

                // Restart from the damaged directory: page 107 is found, nothing executes until a transfer repairs it.
                restarted = start(dir, 1, cfg);
                ReplicaNode again = restarted;
                long before = r0.lastExecuted();
                for (int i = 0; again.transfersCompleted() < 1; i++) {
                    assertTrue(i < 50 * L, "replica 1 did not repair its state: " + again.describe());
                    FillService.resultValue(client.invoke(FillService.write(600 + i % 50, 1, 7_000 + i), false, WAIT));
                }
                assertTrue(again.lastExecuted() > before, "repaired to a later checkpoint");
                assertFalse(again.corrupt());
                // It executes with the others again and agrees on a checkpoint.
                long checkpoint = (r0.lastExecuted() / K + 2) * K;
                for (int i = 0; again.lastExecuted() < checkpoint; i++) {
                    assertTrue(i < 50 * L, "replica 1 did not reach checkpoint " + checkpoint + ": " + again.describe());
                    long group = r0.lastExecuted();
                    Await.until("replica 1 to execute up to " + group, WAIT, () -> again.lastExecuted() >= group,
                            () -> again.describe() + " | " + describeAll(replicas));
                    FillService.resultValue(client.invoke(FillService.write(700 + i % 50, 1, 9_000 + i), false, WAIT));
                }
                Digest mine = again.checkpointDigest(checkpoint);
                assertNotNull(mine, "replica 1 took checkpoint " + checkpoint + ": " + again.describe());
                Await.until("replica 0 to take checkpoint " + checkpoint, WAIT, () -> r0.lastExecuted() >= checkpoint);
                assertEquals(mine, r0.checkpointDigest(checkpoint));
                // Its saves go on from the repaired state.
                for (int i = 0; again.savedCheckpoint() < checkpoint; i++) {
                    assertTrue(i < 50 * L, "replica 1 did not save checkpoint " + checkpoint + ": " + again.describe());
                    FillService.resultValue(client.invoke(FillService.write(800 + i % 50, 1, 11_000 + i), false, WAIT));
                }
                restarted = null;
                again.close();
                Run repaired = cli("replica", "--check", "--data-dir", data.toString());
                assertEquals(0, repaired.exit(), repaired.out() + repaired.err());
            }
        } finally {
            for (ReplicaNode r : replicas) r.close();
            if (restarted != null) restarted.close();
        }
    }

    @Test
    void aReplicaRestartedFromACleanSavedStateStartsAtItsCheckpointAndExecutesWithTheOthers(@TempDir Path dir) throws Exception {
        ClusterConfig cluster = LocalCluster.prepare(dir, 1, 1);
        ProtocolConfig cfg = ProtocolConfig.defaults(1).withCheckpointInterval(K, L).withTimeouts(100, 200, 1_000);
        List<ReplicaNode> replicas = new ArrayList<>();
        try {
            for (int i = 0; i < 4; i++) replicas.add(start(dir, i, cfg));
            ReplicaNode r0 = replicas.get(0), r2 = replicas.get(2);
            try (BftClient client = BftClient.connect(KeyMaterial.load(dir, cluster.n()), cfg)) {
                assertTrue(client.awaitConnected(WAIT));
                for (int i = 0; r2.savedCheckpoint() < 2 * K; i++) {
                    assertTrue(i < 50 * L, "replica 2 did not save checkpoint " + 2 * K + ": " + r2.describe());
                    FillService.resultValue(client.invoke(FillService.write(i % 900, 3, i), false, WAIT));
                }
                replicas.remove(r2);
                r2.close();
                long saved = PageStore.load(dataDir(dir, 2)).seq();

                ReplicaNode again = start(dir, 2, cfg);
                replicas.add(again);
                assertFalse(again.corrupt());
                assertTrue(again.lastExecuted() >= saved, "starts at its saved checkpoint " + saved + ": " + again.describe());
                assertTrue(again.stableSeq() >= saved, "its saved checkpoint is stable: " + again.describe());
                // It executes new requests with the others (catching up by retransmission or a transfer
                // first) and agrees with them on a checkpoint digest.
                long checkpoint = (r0.lastExecuted() / K + 2) * K;
                for (int i = 0; again.lastExecuted() < checkpoint; i++) {
                    assertTrue(i < 50 * L, "replica 2 did not reach checkpoint " + checkpoint + ": " + again.describe());
                    long group = r0.lastExecuted();
                    Await.until("replica 2 to execute up to " + group, WAIT, () -> again.lastExecuted() >= group,
                            () -> describeAll(replicas));
                    FillService.resultValue(client.invoke(FillService.write(900 + i % 50, 1, 5_000 + i), false, WAIT));
                }
                assertTrue(again.executedRequests() > 0, "replica 2 executed requests after its restart");
                Digest mine = again.checkpointDigest(checkpoint);
                assertNotNull(mine, "replica 2 took checkpoint " + checkpoint + ": " + again.describe());
                Await.until("replica 0 to take checkpoint " + checkpoint, WAIT, () -> r0.lastExecuted() >= checkpoint);
                assertEquals(mine, r0.checkpointDigest(checkpoint));
            }
        } finally {
            for (ReplicaNode r : replicas) r.close();
        }
    }

    private static String describeAll(List<ReplicaNode> replicas) {
        StringBuilder all = new StringBuilder();
        for (ReplicaNode r : replicas) all.append(r.describe()).append(" | ");
        return all.toString();
    }

    private static Path dataDir(Path dir, int id) { return dir.resolve("replica-" + id + ".data"); }

    private static ReplicaNode start(Path dir, int id, ProtocolConfig cfg) throws Exception {
        ReplicaNode r = new ReplicaNode(KeyMaterial.load(dir, id), cfg, new FillService(), PAGES, Adversary.NONE, dataDir(dir, id));
        try {
            r.start();
        } catch (Exception | Error e) {
            r.close();
            throw e;
        }
        return r;
    }
}
