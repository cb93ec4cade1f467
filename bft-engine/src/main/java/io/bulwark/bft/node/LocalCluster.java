package io.bulwark.bft.node;

import io.bulwark.bft.config.ClusterConfig;
import io.bulwark.bft.config.ClusterConfigFile;
import io.bulwark.bft.config.Keygen;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.List;

/**
 * Key material for a replica group on loopback: fresh keys (as {@code bulwark keygen}) and, for
 * each replica, two ports the kernel just handed out as free (bound to port 0, then released): one
 * for clients, one for replica traffic (issue 15). So
 * tests, {@code bulwark cluster} and the benchmarks never depend on fixed ports.
 */
public final class LocalCluster {
    private LocalCluster() {}

    /** Writes keys and {@code cluster.conf} into {@code dir} for n = 3f+1 replicas and {@code clients} clients. */
    public static ClusterConfig prepare(Path dir, int f, int clients) throws IOException {
        return prepare(dir, f, clients, true);
    }

    /** As above, with TLS on or off in {@code cluster.conf} (every process started from it agrees). */
    public static ClusterConfig prepare(Path dir, int f, int clients, boolean tls) throws IOException {
        return prepare(dir, f, clients, tls, true);
    }

    /**
     * As above; {@code peerPorts}: each replica gets a second free port for replica traffic (issue 15,
     * the default), or none (replicas and clients share one port, as a file from before).
     */
    public static ClusterConfig prepare(Path dir, int f, int clients, boolean tls, boolean peerPorts) throws IOException {
        int n = 3 * f + 1;
        ClusterConfig generated = Keygen.generate(dir, n, clients, "127.0.0.1", 1, 0, new SecureRandom());
        List<Integer> ports = freeLoopbackPorts(peerPorts ? 2 * n : n);
        List<ClusterConfig.Replica> replicas = new ArrayList<>();
        for (ClusterConfig.Replica r : generated.replicas())
            replicas.add(new ClusterConfig.Replica(r.id(), "127.0.0.1", ports.get(r.id()), r.keys(),
                    peerPorts ? "127.0.0.1" : null, peerPorts ? ports.get(n + r.id()) : 0));
        ClusterConfig config = new ClusterConfig(f, replicas, generated.clients(), tls);
        ClusterConfigFile.write(config, dir.resolve(ClusterConfigFile.FILE_NAME));
        return config;
    }

    /** {@code count} distinct ports that were free on 127.0.0.1 a moment ago. */
    public static List<Integer> freeLoopbackPorts(int count) throws IOException {
        List<ServerSocket> held = new ArrayList<>();
        List<Integer> ports = new ArrayList<>();
        try {
            for (int i = 0; i < count; i++) {
                ServerSocket s = new ServerSocket();
                s.setReuseAddress(true);
                s.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
                held.add(s);
                ports.add(s.getLocalPort());
            }
        } finally {
            for (ServerSocket s : held) s.close();
        }
        return ports;
    }
}
