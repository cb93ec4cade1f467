package io.bulwark.bft.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.bulwark.bft.config.ClusterConfig;
import io.bulwark.bft.config.ClusterConfigFile;
import io.bulwark.bft.config.KeyMaterial;
import io.bulwark.bft.config.ProtocolConfig;
import io.bulwark.bft.node.BftClient;
import io.bulwark.bft.node.LocalCluster;
import io.bulwark.bft.service.KvOps;
import io.bulwark.bft.testkit.ReplicaProcesses;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 12 items 4 and 7, with real processes: four replicas under {@code --watchdog}, each run by
 * its recovery monitor, which reboots it every T_w, staggered. Each rebooted replica recovers
 * (section 4.4: estimation, NEW-KEY, the recovery request ordered by the group, recovered once the
 * checkpoint at its recovery point is stable) while a client keeps writing; the others refresh their
 * keys when they execute its recovery request; a primary steps down before its reboot (section 6.3).
 * Every write the client saw acknowledged is read back.
 */
@Timeout(400)
class ProactiveRecoveryTest {
    private static final int K = 4;
    private static final String PERIOD = "30s";   // T_w >= 4 x a recovery (section 4.7), with room for a loaded machine

    @Test
    void everyReplicaIsRebootedAndRecoversWhileClientsKeepWriting(@TempDir Path dir) throws Exception {
        ClusterConfig cluster = LocalCluster.prepare(dir, 1, 1);
        Path conf = dir.resolve(ClusterConfigFile.FILE_NAME);
        ProtocolConfig cfg = ReplicaCommand.protocolConfig(1, K, null);
        Map<String, String> acknowledged = new LinkedHashMap<>();
        try (ReplicaProcesses group = CliProcesses.replicas()) {
            for (int i = 0; i < cluster.n(); i++) {
                Path data = dir.resolve("data-" + i);
                Files.createDirectories(data);
                group.start(conf, i, List.of("--data-dir", data.toString(), "--checkpoint-interval", Integer.toString(K), "--watchdog", PERIOD));
            }
            group.awaitReady(180_000);
            try (BftClient client = BftClient.connect(KeyMaterial.load(dir, cluster.n()), cfg)) {
                assertTrue(client.awaitConnected(Duration.ofSeconds(60)), "client connected");
                long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(300);
                int i = 0;
                // Writes go on (so that checkpoints keep becoming stable) until every replica was
                // rebooted by its monitor and then recovered.
                while (!allRecovered(group) && System.nanoTime() < deadline) {
                    String key = "k" + i, value = "v" + i;
                    byte[] r;
                    try {
                        r = client.invoke(KvOps.put(key, value), false, Duration.ofSeconds(60));
                    } catch (java.util.concurrent.TimeoutException e) {
                        StringBuilder tails = new StringBuilder();
                        for (int j = 0; j < group.count(); j++) tails.append("\n--- replica ").append(j).append(" ---\n").append(group.logTail(j));
                        throw new AssertionError("put " + key + " not certified within 60 s; the replicas' logs end:" + tails, e);
                    }
                    assertEquals(KvOps.OK, r[0], "put " + key);
                    acknowledged.put(key, value);
                    i++;
                }
                assertTrue(allRecovered(group), "every replica rebooted by its monitor and recovered within the deadline");
                for (int j = 0; j < group.count(); j++) {
                    // At least f+1 = 2 others executed j's recovery request (or installed a state that
                    // reflects it) and refreshed their keys; one rebooting at that moment may not have.
                    int refreshed = 0;
                    for (int other = 0; other < group.count(); other++)
                        if (other != j && Files.readString(group.log(other)).contains("replica " + j + " recovers")) refreshed++;
                    assertTrue(refreshed >= 2, "replica " + j + "'s recovery request made " + refreshed + " others refresh their keys");
                }
                // Section 6.3: a primary rebooted by its monitor moves the group on before it goes. Replica 0
                // (primary of view 0) is rebooted first; whoever is primary at a reboot steps down, and
                // the backups suspect it at once (instead of waiting for their timers).
                int stepped = 0, suspected = 0;
                for (int j = 0; j < group.count(); j++) {
                    String log = Files.readString(group.log(j));
                    if (log.contains("replica " + j + ": stepped down as primary of view")) stepped++;
                    if (log.contains("(stepped down before a restart, or suspects itself): suspecting it now")) suspected++;
                }
                assertTrue(stepped >= 1, "a primary stepped down before its reboot");
                assertTrue(suspected >= 2, "backups suspected a primary that stepped down: " + suspected);
                for (var e : acknowledged.entrySet()) {
                    byte[] r = client.invoke(KvOps.get(e.getKey()), false, Duration.ofSeconds(60));
                    String got = r.length > 0 && r[0] == KvOps.VALUE ? new String(r, 1, r.length - 1, StandardCharsets.UTF_8) : null;
                    assertEquals(e.getValue(), got, "acknowledged write " + e.getKey() + " after the recoveries");
                }
            }
        }
        assertTrue(acknowledged.size() > 0);
        // Each data dir's tally of completed recoveries (what STATUS-REPORT's recoveries_total gives an operator's page):
        // at least the one the test waited for, and no more than the replica's processes logged, all of them together.
        for (int j = 0; j < 4; j++) {
            long tally = io.bulwark.bft.durable.RecoveryTally.read(dir.resolve("data-" + j).resolve(io.bulwark.bft.durable.RecoveryTally.FILE));
            long logged = Files.readString(dir.resolve("replica-" + j + ".log")).split("recovery complete in", -1).length - 1;
            assertTrue(tally >= 1 && tally <= logged, "replica " + j + ": tally " + tally + ", recoveries logged " + logged);
        }
    }

    /** Every replica's log shows a reboot by its monitor followed by a completed recovery. */
    private static boolean allRecovered(ReplicaProcesses group) throws java.io.IOException {
        for (int j = 0; j < group.count(); j++) {
            String log = Files.readString(group.log(j));
            int reboot = log.indexOf("monitor: replica " + j + ": recovery 1:");
            if (reboot < 0 || log.indexOf("recovery complete in", reboot) < 0) return false;
        }
        return true;
    }
}
