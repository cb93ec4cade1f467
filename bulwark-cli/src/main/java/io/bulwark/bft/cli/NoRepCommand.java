package io.bulwark.bft.cli;

import io.bulwark.bft.node.NoRepServer;
import io.bulwark.bft.service.NullService;
import java.net.InetSocketAddress;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code bulwark norep}: the unreplicated null service used as the benchmarks' baseline. */
@Command(name = "norep", mixinStandardHelpOptions = true, hidden = true,
        description = "Run the NO-REP baseline: the null service, unreplicated, over the same transport.")
final class NoRepCommand implements Callable<Integer> {
    @Option(names = "--port", required = true, description = "Loopback port to listen on.")
    int port;

    @Option(names = "--result-size", defaultValue = "0", description = "Result size in bytes.")
    int resultSize;

    @Override
    public Integer call() throws Exception {
        NoRepServer server = new NoRepServer(new NullService(resultSize));
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            server.close();
            stopped.countDown();
        }));
        int bound = server.start(new InetSocketAddress("127.0.0.1", port));
        System.out.println("norep listening on 127.0.0.1:" + bound + " " + ReplicaCommand.READY);
        System.out.flush();
        stopped.await();
        return 0;
    }
}
