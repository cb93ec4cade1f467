package io.bulwark.bft.node;

import io.bulwark.bft.testkit.Await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.bulwark.bft.cli.BulwarkCli;
import io.bulwark.bft.config.ProtocolConfig;
import io.bulwark.bft.crypto.Digest;
import io.bulwark.bft.service.FillService;
import io.bulwark.bft.state.PageStore;
import io.bulwark.bft.testkit.MiniCluster;
import java.io.PrintWriter;
import java.io.RandomAccessFile;
import java.io.StringWriter;
import java.nio.file.Path;
import java.time.Duration;
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
        try (MiniCluster g = group(dir)) {
            ReplicaNode r0 = g.replica(0), r1 = g.replica(1);
            BftClient client = g.client(0);
            FillService.resultValue(client.invoke(FillService.write(100, 20, 42), false, WAIT));   // pages 100..119
            for (int i = 0; r1.savedCheckpoint() < 2 * K; i++) {
                assertTrue(i < 50 * L, "replica 1 did not save checkpoint " + 2 * K + ": " + r1.describe());
                FillService.resultValue(client.invoke(FillService.write(500 + i % 50, 1, i), false, WAIT));
            }
            g.stop(1);   // waits for a save under way: the header is the commit point
            Path data = g.dataDir(1);
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
            ReplicaNode again = g.start(1);
            long before = r0.lastExecuted();
            for (int i = 0; again.transfersCompleted() < 1; i++) {
                assertTrue(i < 50 * L, "replica 1 did not repair its state: " + again.describe());
                FillService.resultValue(client.invoke(FillService.write(600 + i % 50, 1, 7_000 + i), false, WAIT));
            }
            // Repaired to a checkpoint f+1 others vouch for: the one it is at (a corrupt replica asks for
            // the votes on its own stable checkpoint) or a later one, if the writes moved the group first.
            assertTrue(again.lastExecuted() >= saved, "repaired to checkpoint " + again.lastExecuted() + ", saved " + saved + " (the group was at " + before + ")");
            assertFalse(again.corrupt());
            // It executes with the others again and agrees on a checkpoint.
            long checkpoint = executeInStepAndAgree(client, again, r0, 700, 9_000);
            // Its saves go on from the repaired state.
            for (int i = 0; again.savedCheckpoint() < checkpoint; i++) {
                assertTrue(i < 50 * L, "replica 1 did not save checkpoint " + checkpoint + ": " + again.describe());
                FillService.resultValue(client.invoke(FillService.write(800 + i % 50, 1, 11_000 + i), false, WAIT));
            }
            g.stop(1);
            Run repaired = cli("replica", "--check", "--data-dir", data.toString());
            assertEquals(0, repaired.exit(), repaired.out() + repaired.err());
        }
    }

    @Test
    void aReplicaRestartedFromACleanSavedStateStartsAtItsCheckpointAndExecutesWithTheOthers(@TempDir Path dir) throws Exception {
        try (MiniCluster g = group(dir)) {
            ReplicaNode r0 = g.replica(0), r2 = g.replica(2);
            BftClient client = g.client(0);
            for (int i = 0; r2.savedCheckpoint() < 2 * K; i++) {
                assertTrue(i < 50 * L, "replica 2 did not save checkpoint " + 2 * K + ": " + r2.describe());
                FillService.resultValue(client.invoke(FillService.write(i % 900, 3, i), false, WAIT));
            }
            g.stop(2);
            long saved = PageStore.load(g.dataDir(2)).seq();

            ReplicaNode again = g.start(2);
            assertFalse(again.corrupt());
            assertTrue(again.lastExecuted() >= saved, "starts at its saved checkpoint " + saved + ": " + again.describe());
            assertTrue(again.stableSeq() >= saved, "its saved checkpoint is stable: " + again.describe());
            // It executes new requests with the others (catching up by retransmission or a transfer
            // first) and agrees with them on a checkpoint digest.
            executeInStepAndAgree(client, again, r0, 900, 5_000);
            assertTrue(again.executedRequests() > 0, "replica 2 executed requests after its restart");
        }
    }

    /**
     * Issue 12 item 1: a journal damaged in the middle (a flipped byte in a record with valid records
     * after it) used to stop the replica from starting at all. Now the records before the damage are
     * replayed, the rest is moved aside (kept, never replayed), and the replica recovers (section 4.4)
     * and executes with the others again.
     */
    @Test
    void aReplicaWhoseJournalIsDamagedInTheMiddleReplaysWhatPrecedesItAndRecovers(@TempDir Path dir) throws Exception {
        try (MiniCluster g = group(dir)) {
            ReplicaNode r0 = g.replica(0), r3 = g.replica(3);
            BftClient client = g.client(0);
            for (int i = 0; r3.savedCheckpoint() < 2 * K; i++) {
                assertTrue(i < 50 * L, "replica 3 did not save checkpoint " + 2 * K + ": " + r3.describe());
                FillService.resultValue(client.invoke(FillService.write(i % 900, 2, i), false, WAIT));
            }
            g.stop(3);
            Path journal = g.dataDir(3).resolve("journal");
            java.util.List<Path> segments;
            try (var files = java.nio.file.Files.list(journal)) {
                segments = files.filter(p -> p.getFileName().toString().endsWith(".log")).sorted().toList();
            }
            Path last = segments.get(segments.size() - 1);
            long size = java.nio.file.Files.size(last);
            // The journal preallocates its segments with zeros: its records end at the last non-zero byte.
            byte[] bytes = java.nio.file.Files.readAllBytes(last);
            int recordsEnd = bytes.length;
            while (recordsEnd > 0 && bytes[recordsEnd - 1] == 0) recordsEnd--;
            assertTrue(recordsEnd > 4_096, "a journal with records to damage: " + recordsEnd + " bytes of records");
            try (RandomAccessFile f = new RandomAccessFile(last.toFile(), "rw")) {
                long at = recordsEnd / 2;   // in the middle: valid records follow
                f.seek(at);
                int b = f.read();
                f.seek(at);
                f.write(b ^ 0x20);
            }

            ReplicaNode again = g.start(3);
            assertNotNull(again.journalDamage(), "the damage is reported: " + again.describe());
            assertTrue(again.journalDamage().contains("moved to"), again.journalDamage());
            try (var aside = java.nio.file.Files.list(g.dataDir(3))) {
                assertTrue(aside.anyMatch(p -> p.getFileName().toString().startsWith("journal-damaged-")), "the damaged records are kept aside");
            }
            assertTrue(java.nio.file.Files.size(last) < size, "the segment was cut at the damage");
            // It recovers (estimation, recovery request, checkpoint at its recovery point stable) while the client writes.
            for (int i = 0; again.recoveriesCompleted() < 1; i++) {
                assertTrue(i < 50 * L, "replica 3 did not recover: " + again.describe());
                FillService.resultValue(client.invoke(FillService.write(600 + i % 50, 1, 3_000 + i), false, WAIT));
            }
            executeInStepAndAgree(client, again, r0, 700, 6_000);
        }
    }

    /**
     * One write at a time, each after {@code again} executed as far as replica 0, until {@code again}
     * reaches a checkpoint two intervals on; then both hold the same digest for it. Returns that checkpoint.
     */
    private static long executeInStepAndAgree(BftClient client, ReplicaNode again, ReplicaNode r0, int firstPage, long seed) throws Exception {
        long checkpoint = (r0.lastExecuted() / K + 2) * K;
        for (int i = 0; again.lastExecuted() < checkpoint; i++) {
            assertTrue(i < 50 * L, "replica " + again.id() + " did not reach checkpoint " + checkpoint + ": " + again.describe());
            long group = r0.lastExecuted();
            Await.until("replica " + again.id() + " to execute up to " + group, WAIT, () -> again.lastExecuted() >= group);
            FillService.resultValue(client.invoke(FillService.write(firstPage + i % 50, 1, seed + i), false, WAIT));
        }
        Digest mine = again.checkpointDigest(checkpoint);
        assertNotNull(mine, "replica " + again.id() + " took checkpoint " + checkpoint + ": " + again.describe());
        Await.until("replica 0 to take checkpoint " + checkpoint, WAIT, () -> r0.lastExecuted() >= checkpoint);
        assertEquals(mine, r0.checkpointDigest(checkpoint));
        return checkpoint;
    }

    /** Four replicas on loopback running FillService, each saving its state at stable checkpoints. */
    private static MiniCluster group(Path dir) throws Exception {
        ProtocolConfig cfg = ProtocolConfig.defaults(1).withCheckpointInterval(K, L).withTimeouts(100, 200, 1_000);
        return MiniCluster.builder(dir).protocol(cfg).clients(1).service(i -> new FillService()).pages(PAGES)
                .saveState(true).waitLimit(WAIT).build();
    }
}
