package io.bulwark.bft.config;

import static org.junit.jupiter.api.Assertions.*;

import io.bulwark.bft.cli.KeygenCommand;
import io.bulwark.bft.crypto.CoProcessorException;
import io.bulwark.bft.crypto.DeterministicRandom;
import io.bulwark.bft.keys.KeyExchange;
import io.bulwark.bft.keys.NewKeyResult;
import io.bulwark.bft.crypto.SessionKeys;
import io.bulwark.bft.msg.NewKey;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

class KeygenTest {
    @TempDir Path dir;

    @Test
    void generateParseLoadAndExchange() throws Exception {
        ClusterConfig generated = Keygen.generate(dir, 4, 2, "127.0.0.1", 7400, new DeterministicRandom(8));
        ClusterConfig parsed = ClusterConfigFile.read(dir.resolve("cluster.conf"));
        assertEquals(generated, parsed);
        assertEquals(7403, parsed.replica(3).port());
        assertEquals(java.util.List.of(4, 5), parsed.clients().stream().map(ClusterConfig.Client::id).toList());
        for (String name : new String[] {"replica-0.key", "replica-3.counter", "client-5.key", "client-4.counter"}) {
            assertTrue(Files.exists(dir.resolve(name)), name);
            if (dir.getFileSystem().supportedFileAttributeViews().contains("posix"))
                assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(dir.resolve(name))), name);
        }

        int total = 6;
        KeyMaterial[] km = new KeyMaterial[total];
        SessionKeys[] keys = new SessionKeys[total];
        KeyExchange[] kx = new KeyExchange[total];
        for (int id = 0; id < total; id++) {
            km[id] = KeyMaterial.load(dir, id);
            keys[id] = new SessionKeys(id, parsed.n());
            kx[id] = new KeyExchange(id, km[id].config(), km[id].kexPrivateKey(), km[id].coProcessor(), keys[id], new DeterministicRandom(100 + id));
        }
        NewKey[] msgs = new NewKey[total];
        for (int id = 0; id < total; id++) msgs[id] = kx[id].createNewKey();
        for (NewKey m : msgs)
            for (int r = 0; r < 4; r++)
                if (r != m.sender()) assertEquals(NewKeyResult.ACCEPTED, kx[r].accept(m));
        byte[] msg = "REQUEST".getBytes(), tag = new byte[16];
        keys[5].mac(2, msg, 0, msg.length, tag, 0);
        assertTrue(keys[2].verify(5, msg, 0, msg.length, tag, 0));
        keys[3].mac(1, msg, 0, msg.length, tag, 0);
        assertTrue(keys[1].verify(3, msg, 0, msg.length, tag, 0));

        // The counters were persisted: reloading continues after them.
        assertEquals(1, KeyMaterial.load(dir, 0).coProcessor().counter());
    }

    @Test
    void refusesToOverwriteAndRejectsBadReplicaCounts() throws Exception {
        Keygen.generate(dir, 4, 0, "127.0.0.1", 7400, new DeterministicRandom(1));
        assertThrows(FileAlreadyExistsException.class, () -> Keygen.generate(dir, 4, 0, "127.0.0.1", 7400, new DeterministicRandom(2)));
        for (int bad : new int[] {0, 1, 3, 5, 6}) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> Keygen.generate(dir.resolve("x"), bad, 0, "h", 7400, new DeterministicRandom(1)));
            assertTrue(e.getMessage().contains("3f+1"), e.getMessage());
        }
        assertThrows(IllegalArgumentException.class, () -> Keygen.generate(dir.resolve("y"), 4, 0, "h", 65534, new DeterministicRandom(1)));
        assertThrows(IllegalArgumentException.class, () -> Keygen.generate(dir.resolve("y"), 4, -1, "h", 7400, new DeterministicRandom(1)));
    }

    @Test
    void loadDetectsMissingCorruptAndMismatchedFiles() throws Exception {
        Keygen.generate(dir, 4, 1, "127.0.0.1", 7400, new DeterministicRandom(4));
        Files.delete(dir.resolve("replica-1.counter"));
        assertThrows(CoProcessorException.class, () -> KeyMaterial.load(dir, 1));
        Files.writeString(dir.resolve("client-4.counter"), "0\n");
        assertThrows(CoProcessorException.class, () -> KeyMaterial.load(dir, 4));
        // Swap two key files: the public keys in cluster.conf catch it.
        Path k2 = dir.resolve("replica-2.key"), k3 = dir.resolve("replica-3.key");
        String two = Files.readString(k2), three = Files.readString(k3);
        Files.writeString(k2, three.replace("id = 3", "id = 2"));
        ConfigException e = assertThrows(ConfigException.class, () -> KeyMaterial.load(dir, 2));
        assertTrue(e.getMessage().contains("does not match"), e.getMessage());
        Files.writeString(k2, two.replace("kex =", "kx ="));
        e = assertThrows(ConfigException.class, () -> KeyMaterial.load(dir, 2));
        assertTrue(e.getMessage().contains("replica-2.key:4: unknown key 'kx'"), e.getMessage());
        Files.writeString(k3, three.replace("id = 3", "id = 2"));
        e = assertThrows(ConfigException.class, () -> KeyMaterial.load(dir, 3));
        assertTrue(e.getMessage().contains("key file is for principal 2"), e.getMessage());
        e = assertThrows(ConfigException.class, () -> KeyMaterial.load(dir, 9));
        assertTrue(e.getMessage().contains("no principal 9"), e.getMessage());
        assertDoesNotThrow(() -> KeyMaterial.load(dir, 0));
    }

    @Test
    void keygenCommand() throws Exception {
        StringWriter out = new StringWriter(), err = new StringWriter();
        CommandLine cmd = new CommandLine(new KeygenCommand()).setOut(new PrintWriter(out)).setErr(new PrintWriter(err));
        Path target = dir.resolve("cluster");
        assertEquals(0, cmd.execute("--replicas", "7", "--clients", "1", "--dir", target.toString(), "--base-port", "9000"));
        ClusterConfig c = ClusterConfigFile.read(target.resolve("cluster.conf"));
        assertEquals(2, c.f());
        assertEquals(9006, c.replica(6).port());
        assertEquals(9106, c.replica(6).peerPort(), "replica traffic on a port of its own by default");
        assertEquals(7, c.clients().get(0).id());
        assertEquals(2, cmd.execute("--replicas", "5", "--clients", "1", "--dir", dir.resolve("other").toString()));
        assertTrue(err.toString().contains("3f+1"), err.toString());

        assertEquals(0, cmd.execute("--replicas", "4", "--clients", "1", "--dir", dir.resolve("peer").toString(), "--peer-base-port", "9500"));
        assertEquals(9503, ClusterConfigFile.read(dir.resolve("peer").resolve("cluster.conf")).replica(3).peerPort());
        assertEquals(0, cmd.execute("--replicas", "4", "--clients", "1", "--dir", dir.resolve("shared").toString(), "--shared-port"));
        assertFalse(ClusterConfigFile.read(dir.resolve("shared").resolve("cluster.conf")).separatePeerTraffic());
        assertEquals(2, cmd.execute("--replicas", "4", "--clients", "1", "--dir", dir.resolve("overlap").toString(), "--base-port", "9000",
                "--peer-base-port", "9002"));
        assertTrue(err.toString().contains("overlaps the client ports 9000..9003"), err.toString());
    }
}
