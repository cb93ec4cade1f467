package io.bulwark.bft.cli;

import io.bulwark.bft.config.ProtocolConfig;
import io.bulwark.jakarta.host.CdiReplicaHost;
import io.bulwark.store.access.AccessPolicy;
import io.bulwark.store.service.StoreService;
import io.bulwark.store.cli.UnreplicatedStoreServer;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code bulwark unreplicated}: an application's store without replication (the baseline of {@code bench app}): the
 * same {@code @Replicated} beans and repositories the replica host runs, in one process, no agreement and no
 * authentication, on loopback only. An app server reaches it with {@code bulwark.bank.unreplicated-store} (the sample
 * bank) or {@code BulwarkClient.over(new UnreplicatedStoreClient(...))}.
 */
@Command(name = "unreplicated", mixinStandardHelpOptions = true,
        description = "Run an application's store unreplicated on 127.0.0.1 (a baseline: no fault tolerance, no authentication).")
final class UnreplicatedCommand implements Callable<Integer> {
    @Option(names = "--app", split = ",", required = true, description = "The application jar(s), as for replica --service cdi.")
    List<Path> apps = new ArrayList<>();

    @Option(names = "--access-policy", description = "The access policy file, as for replica --service cdi (client ids to principals "
            + "and roles; here the ids are what the clients state).")
    Path accessPolicy;

    @Option(names = "--port", defaultValue = "0", description = "Port on 127.0.0.1 (default: any free one, printed).")
    int port;

    @Option(names = "--pages", defaultValue = "1024", description = "State size in 4 KB pages (default: ${DEFAULT-VALUE}).")
    int pages;

    @Override
    public Integer call() throws Exception {
        if (pages < 1 || pages > 1 << 20) throw new IllegalArgumentException("--pages must be between 1 and " + (1 << 20));
        if (port < 0 || port > 65535) throw new IllegalArgumentException("--port must be 0..65535");
        // As on a replica: the service code sees one locale and time zone (DESIGN principle 4).
        java.util.Locale.setDefault(java.util.Locale.ROOT);
        java.util.TimeZone.setDefault(java.util.TimeZone.getTimeZone("UTC"));
        AccessPolicy policy = accessPolicy == null ? AccessPolicy.builder().build() : AccessPolicy.load(accessPolicy);
        CdiReplicaHost app = CdiReplicaHost.boot(apps, UnreplicatedCommand.class.getClassLoader());
        UnreplicatedStoreServer server;
        try {
            // The result bound a replica of an f=1 group applies, so that results fit the same limits.
            server = new UnreplicatedStoreServer(new StoreService(app.definition(policy), ProtocolConfig.defaults(1).maxResultBytes()), pages);
        } catch (RuntimeException | InterruptedException e) {
            app.close();
            throw e;
        }
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            System.out.println("stopping: executed " + server.executed() + ", connections refused by reason " + server.rejections());
            server.close();
            app.close();
            stopped.countDown();
        }, "bulwark-shutdown"));
        int bound = server.start(new InetSocketAddress("127.0.0.1", port));
        System.out.println("application " + apps + ": " + app.beans().size() + " @Replicated bean(s), " + app.repositories().size()
                + " repositories, " + app.entities().size() + " entity class(es)");
        System.out.println("unreplicated store listening on 127.0.0.1:" + bound + " " + ReplicaCommand.READY);
        System.out.flush();
        stopped.await();
        return 0;
    }
}
