package io.bulwark.bft.durable;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.bulwark.bft.config.ClusterConfig;
import io.bulwark.bft.node.LocalCluster;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DataDirTest {
    @TempDir Path tmp;

    @Test
    void theFirstStartWritesTheIdentityAndLaterStartsCheckIt() throws Exception {
        ClusterConfig cluster = LocalCluster.prepare(tmp.resolve("a"), 1, 1);
        ClusterConfig other = LocalCluster.prepare(tmp.resolve("b"), 1, 1);
        assertNotEquals(DataDirIdentity.fingerprint(cluster), DataDirIdentity.fingerprint(other));
        Path data = tmp.resolve("replica-1.data");
        try (DataDir d = DataDir.open(data, cluster, 1)) {
            assertEquals(1, d.identity().replica());
            String text = Files.readString(data.resolve(DataDirIdentity.FILE));
            assertTrue(text.startsWith("bulwark-data-dir 1\ncluster " + DataDirIdentity.fingerprint(cluster).toHex()), text);
            // One process per data dir.
            LockHeldException held = assertThrows(LockHeldException.class, () -> DataDir.open(data, cluster, 1));
            assertTrue(held.getMessage().startsWith("data dir " + data + " is in use by"), held.getMessage());
        }
        DataDir.open(data, cluster, 1).close();   // the same cluster and replica again

        DataDirException e = assertThrows(DataDirException.class, () -> DataDir.open(data, cluster, 2));
        assertTrue(e.getMessage().contains("belongs to replica 1 of this cluster, not to replica 2"), e.getMessage());
        e = assertThrows(DataDirException.class, () -> DataDir.open(data, other, 1));
        assertTrue(e.getMessage().contains("belongs to another cluster"), e.getMessage());
        // Refused without taking the lock for good.
        DataDir.open(data, cluster, 1).close();

        // The same keys under another f is another cluster too.
        ClusterConfig f2 = LocalCluster.prepare(tmp.resolve("c"), 2, 1);
        assertThrows(DataDirException.class, () -> DataDir.open(data, f2, 1));

        // A garbled identity file is refused, not rewritten.
        Path id = data.resolve(DataDirIdentity.FILE);
        String good = Files.readString(id);
        Files.writeString(id, good.replace("replica 1", "replica 3"), StandardCharsets.US_ASCII);
        e = assertThrows(DataDirException.class, () -> DataDir.open(data, cluster, 3));
        assertTrue(e.getMessage().contains("checksum mismatch"), e.getMessage());
        Files.writeString(id, "hello\n");
        e = assertThrows(DataDirException.class, () -> DataDir.open(data, cluster, 1));
        assertTrue(e.getMessage().contains("not a Bulwark data-dir identity file"), e.getMessage());
        Files.writeString(id, good);
        DataDir.open(data, cluster, 1).close();
    }
}
