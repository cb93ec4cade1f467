package io.bulwark.bft.node;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.bulwark.bft.cli.BulwarkCli;
import io.bulwark.bft.config.ClusterConfigFile;
import io.bulwark.bft.config.KeyMaterial;
import io.bulwark.bft.config.ProtocolConfig;
import io.bulwark.bft.durable.DataDirIdentity;
import io.bulwark.bft.service.KvService;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** A replica's data dir is its own (issue 12): one process at a time, this cluster's, this replica's. */
@Timeout(120)
class DataDirClaimTest {
    @Test
    void aSecondReplicaOnTheDataDirAndAnotherReplicasOrClustersDataDirAreRefused(@TempDir Path tmp) throws Exception {
        Path dir = tmp.resolve("conf"), otherDir = tmp.resolve("other");
        LocalCluster.prepare(dir, 1, 1);
        LocalCluster.prepare(otherDir, 1, 1);
        ProtocolConfig cfg = ProtocolConfig.defaults(1);
        Path data = tmp.resolve("replica-1.data");
        try (ReplicaNode first = ReplicaNode.builder(KeyMaterial.load(dir, 1), cfg, new KvService(), 16).dataDir(data).build()) {
            assertTrue(Files.exists(data.resolve(DataDirIdentity.FILE)));
            UncheckedIOException e = assertThrows(UncheckedIOException.class,
                    () -> ReplicaNode.builder(KeyMaterial.load(dir, 1), cfg, new KvService(), 16).dataDir(data).build());
            assertTrue(e.getMessage().contains("data dir " + data + " is in use by this process"), e.getMessage());
            // The command line says the same in one line, and exits 2.
            StringWriter err = new StringWriter();
            int exit = BulwarkCli.commandLine().setErr(new PrintWriter(err)).execute("replica", "--config",
                    dir.resolve(ClusterConfigFile.FILE_NAME).toString(), "--id", "1", "--data-dir", data.toString());
            assertEquals(2, exit, err.toString());
            assertTrue(err.toString().contains("is in use by"), err.toString());
            // --check does not touch a running replica's directory either.
            err = new StringWriter();
            exit = BulwarkCli.commandLine().setErr(new PrintWriter(err)).execute("replica", "--check", "--data-dir", data.toString());
            assertEquals(2, exit, err.toString());
            assertTrue(err.toString().contains("data dir " + data + " is in use by"), err.toString());
        }
        UncheckedIOException e = assertThrows(UncheckedIOException.class,
                () -> ReplicaNode.builder(KeyMaterial.load(dir, 2), cfg, new KvService(), 16).dataDir(data).build());
        assertTrue(e.getMessage().contains("belongs to replica 1 of this cluster, not to replica 2"), e.getMessage());
        e = assertThrows(UncheckedIOException.class,
                () -> ReplicaNode.builder(KeyMaterial.load(otherDir, 1), cfg, new KvService(), 16).dataDir(data).build());
        assertTrue(e.getMessage().contains("belongs to another cluster"), e.getMessage());
        // Refusals leave the directory free for its own replica.
        ReplicaNode.builder(KeyMaterial.load(dir, 1), cfg, new KvService(), 16).dataDir(data).build().close();
    }
}
