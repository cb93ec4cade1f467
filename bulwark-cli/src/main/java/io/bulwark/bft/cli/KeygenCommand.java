package io.bulwark.bft.cli;

import io.bulwark.bft.config.ClusterConfig;
import io.bulwark.bft.config.ClusterConfigFile;
import io.bulwark.bft.config.Keygen;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code bulwark keygen}: creates cluster.conf and every principal's key and counter files. */
@Command(name = "keygen", mixinStandardHelpOptions = true,
        description = "Generate keys for a cluster: cluster.conf (public) plus replica-N.key/.counter and client-N.key/.counter (secret, mode 600).")
public final class KeygenCommand implements Callable<Integer> {

    @Spec CommandSpec spec;

    @Option(names = "--replicas", required = true, description = "Number of replicas; must be 3f+1 (4, 7, 10, ...).")
    int replicas;

    @Option(names = "--clients", required = true, description = "Number of clients (ids start at the replica count).")
    int clients;

    @Option(names = "--dir", required = true, description = "Output directory (created if missing; existing key files are never overwritten).")
    Path dir;

    @Option(names = "--host", defaultValue = "127.0.0.1", description = "Host of every replica (default: ${DEFAULT-VALUE}).")
    String host;

    @Option(names = "--base-port", defaultValue = "7400", description = "Replica i listens for clients on base-port + i (default: ${DEFAULT-VALUE}).")
    int basePort;

    @Option(names = "--peer-base-port", description = "Replica i listens for the other replicas on peer-base-port + i, a port only replicas "
            + "may use (firewall it to the replicas' hosts); default: base-port + " + Keygen.PEER_PORT_OFFSET + ".")
    Integer peerBasePort;

    @Option(names = "--shared-port", description = "No port of its own for replica traffic: replicas and clients share base-port + i "
            + "(as cluster files made before; a flood of the client port then also reaches the replicas' connections).")
    boolean sharedPort;

    @Override public Integer call() {
        try {
            if (sharedPort && peerBasePort != null) throw new IllegalArgumentException("--shared-port and --peer-base-port exclude each other");
            int peerBase = sharedPort ? 0 : peerBasePort != null ? peerBasePort : basePort + Keygen.PEER_PORT_OFFSET;
            if (!sharedPort && peerBase == 0) throw new IllegalArgumentException("--peer-base-port must be in 1..65535 (--shared-port for none)");
            ClusterConfig config = Keygen.generate(dir, replicas, clients, host, basePort, peerBase, new SecureRandom());
            spec.commandLine().getOut().printf("wrote %s: f = %d, %d replicas (%s:%d..%d for clients, %s), %d clients%n",
                    dir.resolve(ClusterConfigFile.FILE_NAME), config.f(), config.n(), host, basePort, basePort + config.n() - 1,
                    peerBase == 0 ? "shared with replica traffic" : String.format("%d..%d for replica traffic", peerBase, peerBase + config.n() - 1),
                    config.clients().size());
            return 0;
        } catch (IllegalArgumentException e) {
            spec.commandLine().getErr().println("keygen: " + e.getMessage());
            return 2;
        } catch (java.io.IOException e) {
            spec.commandLine().getErr().println("keygen: " + e);
            return 1;
        }
    }
}
