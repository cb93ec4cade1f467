package io.bulwark.bft.cli;

import io.bulwark.bft.config.ClusterConfig;
import io.bulwark.bft.config.KeyMaterial;
import io.bulwark.bft.config.ProtocolConfig;
import io.bulwark.bft.node.ReplicaNode;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code bulwark replica}: runs one replica until it is stopped (SIGTERM / Ctrl-C). */
@Command(name = "replica", mixinStandardHelpOptions = true, description = "Run one replica of a cluster.")
final class ReplicaCommand implements Callable<Integer> {
    /** Printed once the replica listens; {@code bulwark cluster} and the benchmarks wait for it. */
    static final String READY = "ready";

    @Option(names = "--config", required = true, description = "The cluster.conf file; key files are read from its directory.")
    Path config;

    @Option(names = "--id", required = true, description = "This replica's id (0..n-1).")
    int id;

    @Option(names = "--service", defaultValue = "kv", description = "kv (default) or null (the paper's null service, for benchmarks).")
    String service;

    @Option(names = "--result-size", defaultValue = "0", description = "Result size in bytes of the null service (default: ${DEFAULT-VALUE}).")
    int resultSize;

    @Option(names = "--pages", defaultValue = "1024", description = "State size in 4 KB pages (default: ${DEFAULT-VALUE}).")
    int pages;

    @Option(names = "--checkpoint-interval", defaultValue = "128", description = "K, the checkpoint interval (default: ${DEFAULT-VALUE}); L = 2K.")
    int k;

    @Override
    public Integer call() throws Exception {
        ServiceChoice choice = ServiceChoice.parse(service);
        if (pages < 1 || pages > 1 << 20) throw new IllegalArgumentException("--pages must be between 1 and " + (1 << 20));
        KeyMaterial keys = KeyMaterial.load(config.toAbsolutePath().getParent(), id);
        ClusterConfig cluster = keys.config();
        ProtocolConfig cfg = ProtocolConfig.defaults(cluster.f()).withCheckpointInterval(k, 2 * k);
        ReplicaNode node = new ReplicaNode(keys, cfg, choice.create(resultSize), pages);
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            node.close();
            stopped.countDown();
        }, "bulwark-shutdown"));
        int port = node.start();
        System.out.println("replica " + id + " of " + cluster.n() + " (f=" + cluster.f() + ", service " + service + ") listening on "
                + cluster.replica(id).host() + ":" + port + " " + READY);
        System.out.flush();
        stopped.await();
        return 0;
    }
}
