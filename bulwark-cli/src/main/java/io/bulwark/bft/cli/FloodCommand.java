package io.bulwark.bft.cli;

import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code bulwark flood}: the keyless attacker of issue 15 ({@link ConnectionFlood}) as a process of
 * its own, so that {@code bench attack} can run it apart from the correct clients it measures (and
 * at the lowest CPU priority, as another host would be). Prints what it did on every line, the last
 * when it stops (SIGTERM or after {@code --seconds}).
 */
@Command(name = "flood", mixinStandardHelpOptions = true, hidden = true,
        description = "Flood replica ports with connections that know no keys (idle, slowloris, churn, TLS ClientHellos).")
final class FloodCommand implements Callable<Integer> {
    @Option(names = "--target", required = true, split = ",", description = "host:port to flood (repeatable or comma-separated).")
    List<String> targets;

    @Option(names = "--idle", defaultValue = "1500", description = "Idle sockets kept open per target (default: ${DEFAULT-VALUE}).")
    int idle;

    @Option(names = "--slowloris", defaultValue = "50", description = "Slowloris sockets kept open per target (default: ${DEFAULT-VALUE}).")
    int slowloris;

    @Option(names = "--churn", arity = "1", defaultValue = "true", description = "Connect/close churn: true or false (default: ${DEFAULT-VALUE}).")
    boolean churn;

    @Option(names = "--hello", arity = "1", defaultValue = "true", description = "TLS ClientHellos, one per connection: true or false (default: ${DEFAULT-VALUE}).")
    boolean hello;

    @Option(names = "--seconds", defaultValue = "600", description = "Stop after this long at the latest (default: ${DEFAULT-VALUE}).")
    int seconds;

    static final String STARTED = "flood started";

    @Override
    public Integer call() throws Exception {
        List<InetSocketAddress> to = new ArrayList<>();
        for (String t : targets) {
            int colon = t.lastIndexOf(':');
            if (colon <= 0) throw new IllegalArgumentException("--target must be host:port, not '" + t + "'");
            to.add(new InetSocketAddress(t.substring(0, colon), Integer.parseInt(t.substring(colon + 1))));
        }
        if (idle < 0 || slowloris < 0 || seconds < 1) throw new IllegalArgumentException("--idle, --slowloris must be >= 0 and --seconds >= 1");
        ConnectionFlood flood = ConnectionFlood.start(to, idle, slowloris, churn, hello);
        CountDownLatch stopped = new CountDownLatch(1);
        Thread hook = new Thread(() -> {
            flood.close();
            System.out.println("flood stopped: " + flood.describe());
            System.out.flush();
            stopped.countDown();
        });
        Runtime.getRuntime().addShutdownHook(hook);
        System.out.println(STARTED);
        System.out.flush();
        long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
        while (System.nanoTime() < end && !stopped.await(1, TimeUnit.SECONDS)) {
            System.out.println("flood: " + flood.describe());
            System.out.flush();
        }
        return 0;   // the hook prints the last line
    }
}
