package io.bulwark.store.cli;

import io.bulwark.bft.config.KeyMaterial;
import io.bulwark.bft.config.ProtocolConfig;
import io.bulwark.bft.node.ReplicaNode;
import io.bulwark.store.bench.store.BenchStore;
import io.bulwark.store.service.StoreService;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code replica} (hidden): one replica of the bench's bank store, hosted on the engine's
 * {@link ReplicaNode}, until it is stopped (SIGTERM). {@code bench store} starts one per replica.
 */
@Command(name = "replica", hidden = true, mixinStandardHelpOptions = true,
        description = "Run one replica of the bench bank store (started by bench store).")
final class StoreReplicaCommand implements Callable<Integer> {
    /** Printed once the replica listens; {@code bench store} waits for it. */
    static final String READY = "ready";

    @Option(names = "--config", required = true, description = "The cluster.conf file; key files are read from its directory.")
    Path config;

    @Option(names = "--id", required = true, description = "This replica's id (0..n-1).")
    int id;

    @Option(names = "--pages", description = "State size in 4 KB pages (default: " + BenchStore.DEFAULT_PAGES + ").")
    int pages = BenchStore.DEFAULT_PAGES;

    @Override
    public Integer call() throws Exception {
        // Application code on a replica sees the same default locale and time zone at every replica, whatever the host's.
        java.util.Locale.setDefault(java.util.Locale.ROOT);
        java.util.TimeZone.setDefault(java.util.TimeZone.getTimeZone("UTC"));
        if (pages < 1 || pages > 1 << 20) throw new IllegalArgumentException("--pages must be between 1 and " + (1 << 20));
        KeyMaterial keys = KeyMaterial.load(config.toAbsolutePath().getParent(), id);
        ProtocolConfig cfg = ProtocolConfig.defaults(keys.config().f());
        ReplicaNode node = new ReplicaNode(keys, cfg, new StoreService(BenchStore.definition(), cfg.maxResultBytes()), pages);
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            try {
                System.out.println("stopping: " + node.describe());   // the final state, for failure reports
            } catch (RuntimeException ignored) {
                // not started
            }
            node.close();
            stopped.countDown();
        }, "bulwark-store-shutdown"));
        int port = node.start();
        System.out.println("store replica " + id + " of " + keys.config().n() + " (f=" + keys.config().f() + ", " + pages
                + " pages) listening on " + keys.config().replica(id).host() + ":" + port + " " + READY);
        System.out.flush();
        stopped.await();
        return 0;
    }
}
