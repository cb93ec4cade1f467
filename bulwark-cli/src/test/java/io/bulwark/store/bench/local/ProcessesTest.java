package io.bulwark.store.bench.local;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ProcessesTest {

    @Test
    void freePortsAreDistinctAndBindableOnLoopback() throws Exception {
        List<Integer> ports = Processes.freeLoopbackPorts(6);
        assertEquals(6, ports.size());
        assertEquals(6, new HashSet<>(ports).size(), "distinct: " + ports);
        for (int p : ports) {
            assertTrue(p > 0 && p < 65536, "port " + p);
            // Free right after the choice (another process could race us, which the launchers retry on).
            try (ServerSocket s = new ServerSocket(p, 1, InetAddress.getByName("127.0.0.1"))) {
                assertEquals(p, s.getLocalPort());
            }
        }
        assertThrows(IllegalArgumentException.class, () -> Processes.freeLoopbackPorts(0));
        assertThrows(IllegalArgumentException.class, () -> Processes.freeLoopbackPorts(65));
    }

    @Test
    void deleteTreeRemovesNestedFilesAndToleratesAMissingRoot(@TempDir Path tmp) throws Exception {
        Path root = tmp.resolve("server");
        Files.createDirectories(root.resolve("a/b"));
        Files.writeString(root.resolve("a/b/wal"), "x");
        Files.writeString(root.resolve("log"), "y");
        Processes.deleteTree(root);
        assertFalse(Files.exists(root));
        Processes.deleteTree(root);   // again: nothing there, no error
        Processes.deleteTree(null);
    }

    @Test
    void tailKeepsTheEndOfALog(@TempDir Path tmp) throws Exception {
        Path log = tmp.resolve("log");
        Files.writeString(log, "first line\nbind: address already in use\n");
        assertEquals("address already in use", Processes.tail(log, 23));
        assertTrue(Processes.tail(tmp.resolve("none"), 10).startsWith("(no log:"));
    }
}
