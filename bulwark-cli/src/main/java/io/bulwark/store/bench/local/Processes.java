package io.bulwark.store.bench.local;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/** What the baselines' server launchers share: free loopback ports, log tails, removing a directory tree, who we run as. */
public final class Processes {
    private Processes() {}

    /**
     * {@code n} distinct ports that were free on 127.0.0.1 a moment ago: each bound to port 0 and
     * closed. Servers that need their ports on the command line (etcd, PostgreSQL) get these; another
     * process may take one meanwhile, so their launchers retry on a clash.
     */
    public static List<Integer> freeLoopbackPorts(int n) throws IOException {
        if (n < 1 || n > 64) throw new IllegalArgumentException("1 to 64 ports, not " + n);
        InetAddress loopback = InetAddress.getByName("127.0.0.1");
        Set<Integer> ports = new LinkedHashSet<>();
        List<ServerSocket> held = new ArrayList<>();
        try {
            // Held open until all are chosen, so the kernel hands out n different ones.
            while (ports.size() < n) {
                ServerSocket s = new ServerSocket(0, 1, loopback);
                held.add(s);
                ports.add(s.getLocalPort());
            }
        } finally {
            for (ServerSocket s : held) s.close();
        }
        return List.copyOf(ports);
    }

    /** The last {@code max} characters of a log file, or a note that it cannot be read. */
    public static String tail(Path file, int max) {
        try {
            byte[] b = Files.readAllBytes(file);
            String s = new String(b, Math.max(0, b.length - max), Math.min(max, b.length), StandardCharsets.UTF_8);
            return s.strip();
        } catch (IOException e) {
            return "(no log: " + e + ")";
        }
    }

    /** Deletes a directory tree (a server's data directory); missing files are fine. */
    public static void deleteTree(Path root) throws IOException {
        if (root == null || !Files.exists(root)) return;
        Files.walkFileTree(root, new SimpleFileVisitor<>() {
            @Override public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) throws IOException {
                try {
                    Files.delete(file);
                } catch (NoSuchFileException e) {
                    // gone already (a server removing its own pid or socket file)
                }
                return FileVisitResult.CONTINUE;
            }

            @Override public FileVisitResult postVisitDirectory(Path dir, IOException e) throws IOException {
                Files.deleteIfExists(dir);
                return FileVisitResult.CONTINUE;
            }
        });
    }

    /** The effective user is root (uid 0), read from /proc/self/status where there is one, else from user.name. */
    public static boolean runningAsRoot() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
                if (line.startsWith("Uid:")) {
                    String[] f = line.substring(4).trim().split("\\s+");
                    return f.length > 1 && f[1].equals("0");
                }
            }
        } catch (IOException | RuntimeException e) {
            // not Linux: fall through
        }
        return "root".equals(System.getProperty("user.name"));
    }

    /**
     * A JVM shutdown hook that runs {@code stop} on Ctrl-C or exit; {@link Hook#remove} once the
     * owner stopped the servers itself.
     */
    public static Hook onShutdown(String name, Runnable stop) {
        Thread t = new Thread(stop, name + "-shutdown");
        Runtime.getRuntime().addShutdownHook(t);
        return new Hook(t);
    }

    /** A registered shutdown hook. */
    public record Hook(Thread thread) {
        /** Unregisters it; a no-op while the JVM is already shutting down (the hook then runs). */
        public void remove() {
            try {
                Runtime.getRuntime().removeShutdownHook(thread);
            } catch (IllegalStateException e) {
                // shutting down: the hook runs (or ran) the same idempotent stop
            }
        }
    }
}
