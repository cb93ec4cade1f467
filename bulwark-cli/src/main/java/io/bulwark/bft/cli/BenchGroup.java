package io.bulwark.bft.cli;

import io.bulwark.bft.testkit.ReplicaProcesses;
import io.bulwark.bft.config.ClusterConfig;
import io.bulwark.bft.config.ClusterConfigFile;
import io.bulwark.bft.config.KeyMaterial;
import io.bulwark.bft.config.ProtocolConfig;
import io.bulwark.bft.net.EventLoop;
import io.bulwark.bft.node.BftClient;
import io.bulwark.bft.node.LocalCluster;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.function.IntFunction;

/**
 * One benchmark run's replica group: fresh keys and loopback ports in a temporary directory,
 * 3f+1 replica processes, and closed-loop clients on one event loop of this process.
 * {@link #close()} stops the clients and every process and deletes the directory; if the JVM is
 * interrupted (Ctrl-C), {@link ReplicaProcesses}' shutdown hook stops the processes and ours
 * deletes the directory.
 */
final class BenchGroup implements AutoCloseable {
    final Path dir;
    final ClusterConfig cluster;
    final ReplicaProcesses replicas;
    final EventLoop clientLoop;
    final List<BftClient> clients = new ArrayList<>();
    private final Thread cleanup;

    /**
     * Starts the group and connects {@code clientCount} clients; principals beyond them (for
     * attackers) get keys too: {@code extraClients}.
     */
    BenchGroup(String name, int f, ProtocolConfig clientCfg, IntFunction<List<String>> replicaArgs,
               int clientCount, int extraClients) throws Exception {
        this(name, f, clientCfg, replicaArgs, clientCount, extraClients, List.of());
    }

    /** The same, the replica JVMs started with {@code replicaJvmOptions} too (e.g. a larger heap). */
    BenchGroup(String name, int f, ProtocolConfig clientCfg, IntFunction<List<String>> replicaArgs,
               int clientCount, int extraClients, List<String> replicaJvmOptions) throws Exception {
        replicas = CliProcesses.replicas(replicaJvmOptions);
        dir = Files.createTempDirectory("bulwark-" + name + "-");
        cleanup = new Thread(() -> deleteTree(dir), "bulwark-bench-cleanup");
        Runtime.getRuntime().addShutdownHook(cleanup);
        clientLoop = EventLoop.start("bulwark-" + name + "-clients");
        boolean ok = false;
        try {
            cluster = LocalCluster.prepare(dir, f, clientCount + extraClients);
            Path conf = dir.resolve(ClusterConfigFile.FILE_NAME);
            for (int i = 0; i < cluster.n(); i++) replicas.start(conf, i, replicaArgs.apply(i));
            replicas.awaitReady(60_000);
            for (int c = 0; c < clientCount; c++) clients.add(BftClient.connect(clientKeys(c), clientCfg, clientLoop));
            for (BftClient c : clients)
                if (!c.awaitConnected(Duration.ofSeconds(30))) throw new IOException("client " + c.id() + " could not connect within 30 s");
            ok = true;
        } finally {
            if (!ok) close();
        }
    }

    /** The keys of the client with index {@code c} (principal n + c). */
    KeyMaterial clientKeys(int c) throws Exception { return KeyMaterial.load(dir, cluster.n() + c); }

    int n() { return cluster.n(); }

    @Override public void close() {
        for (BftClient c : clients) c.close();
        clientLoop.close();
        replicas.close();
        deleteTree(dir);
        try {
            Runtime.getRuntime().removeShutdownHook(cleanup);
        } catch (IllegalStateException ignored) {
            // already shutting down: the hook runs anyway
        }
    }

    static void deleteTree(Path root) {
        if (!Files.exists(root)) return;
        try (var paths = Files.walk(root)) {
            paths.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException e) {
            System.err.println("bulwark bench: could not remove " + root + ": " + e.getMessage());
        }
    }
}
