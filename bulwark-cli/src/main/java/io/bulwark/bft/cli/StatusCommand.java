package io.bulwark.bft.cli;

import io.bulwark.bft.config.ClusterConfig;
import io.bulwark.bft.config.ClusterConfigFile;
import io.bulwark.bft.config.KeyMaterial;
import io.bulwark.bft.config.ProtocolConfig;
import io.bulwark.bft.durable.LockHeldException;
import io.bulwark.bft.durable.PrincipalLock;
import io.bulwark.bft.durable.ProcessLock;
import io.bulwark.bft.msg.StatusReport;
import io.bulwark.bft.node.BftClient;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code bulwark status}: asks every replica, through the protocol (STATUS-QUERY, answered with a
 * STATUS-REPORT MAC'd to this client), for its view, primary, last executed sequence number, stable
 * checkpoint, whether it is transferring state, and its counters, one line per replica; a replica
 * that does not acknowledge the client's key or answer in time is shown as unreachable. Exit 0 when
 * 2f+1 replicas share an installed view, 1 when they do not (the group cannot make progress until
 * they do), 2 on bad usage. Each replica speaks for itself: nothing here is certified by others.
 */
@Command(name = "status", mixinStandardHelpOptions = true,
        description = {"Ask every replica for its view, primary, last executed, stable checkpoint, state transfer and counters.",
                "Exits 0 when 2f+1 replicas share an installed view, 1 when fewer do (said on standard error)."},
        exitCodeListHeading = "Exit codes:%n",
        exitCodeList = {"0:2f+1 replicas share an installed view", "1:fewer do, or no client key could be used", "2:bad usage"})
final class StatusCommand implements Callable<Integer> {
    @Option(names = "--config", required = true, description = "The cluster.conf file; key files are read from its directory.")
    Path config;

    @Option(names = "--client", description = "The client id to ask as (its key file must be in the config directory; default: "
            + "the highest client id whose key file is there and that no other process runs).")
    Integer client;

    @Option(names = "--tls", description = "on or off (default: as cluster.conf says); must match the replicas.")
    String tls;

    @Option(names = "--timeout", defaultValue = "5", description = "Seconds to wait for the replicas, at least 1 (default: ${DEFAULT-VALUE}).")
    int timeoutSeconds;

    @Override
    public Integer call() throws Exception {
        if (timeoutSeconds < 1) throw new IllegalArgumentException("--timeout must be at least 1 second, was " + timeoutSeconds);
        Path dir = config.toAbsolutePath().getParent();
        ClusterConfig cluster = ClusterConfigFile.read(config);
        List<Integer> candidates = new ArrayList<>();
        if (client != null) {
            if (!cluster.isClient(client)) throw new IllegalArgumentException("principal " + client + " is not a client of the cluster");
            candidates.add(client);
        } else {
            for (int i = cluster.clients().size() - 1; i >= 0; i--) {
                int id = cluster.clients().get(i).id();
                if (Files.exists(dir.resolve(KeyMaterial.keyFileName(cluster, id)))) candidates.add(id);
            }
            if (candidates.isEmpty()) {
                System.err.println("bulwark status: no client key file in " + dir + " (pass --client with a client whose key file is there)");
                return 1;
            }
        }
        // A client id runs in one process at a time (its NEW-KEY would replace a running one's key at the replicas).
        ProcessLock lock = null;
        int id = -1;
        String held = null;
        for (int c : candidates) {
            try {
                lock = PrincipalLock.acquire(dir, cluster, c);
                id = c;
                break;
            } catch (LockHeldException e) {
                held = e.getMessage();
            }
        }
        if (lock == null) {
            System.err.println("bulwark status: " + held + (client == null ? " (and every other client id with a key file here)" : ""));
            return 1;
        }
        try (ProcessLock held0 = lock) {
            KeyMaterial keys = KeyMaterial.load(dir, id);
            if (tls != null) keys = keys.withTls(TlsChoice.on(tls));
            ProtocolConfig cfg = ProtocolConfig.defaults(cluster.f());
            Duration timeout = Duration.ofSeconds(timeoutSeconds);
            try (BftClient c = BftClient.connect(keys, cfg)) {
                System.out.println("asking as client " + id);
                return print(cluster, ask(c, cluster.n(), timeout));
            }
        }
    }

    /** Waits (at most half the timeout) for every replica's KEY-ACK, then asks each replica that sent one. */
    private static Map<Integer, StatusReport> ask(BftClient c, int n, Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        long keyDeadline = System.nanoTime() + timeout.toNanos() / 2;
        while (c.keyAcks() < n && System.nanoTime() < keyDeadline) Thread.sleep(20);   // a command, not a test: polling is fine
        Map<Integer, CompletableFuture<StatusReport>> asked = new HashMap<>();
        for (int j = 0; j < n; j++) {
            if (c.keyAckedBy(j)) asked.put(j, c.status(j, Duration.ofNanos(Math.max(1, deadline - System.nanoTime()))));
        }
        Map<Integer, StatusReport> reports = new HashMap<>();
        for (var e : asked.entrySet()) {
            try {
                reports.put(e.getKey(), e.getValue().get(Math.max(1, deadline - System.nanoTime()) + 1_000_000_000L, TimeUnit.NANOSECONDS));
            } catch (Exception unreachable) {
                // shown as unreachable
            }
        }
        return reports;
    }

    /** Prints one line per replica and the verdict; the exit code. */
    static int print(ClusterConfig cluster, Map<Integer, StatusReport> reports) {
        int n = cluster.n(), quorum = 2 * cluster.f() + 1;
        System.out.printf("%-8s %-8s %-8s %-10s %-10s %-8s %-14s %s%n", "replica", "view", "primary", "executed", "stable", "state", "view-changes", "counters");
        Map<Long, Integer> inView = new HashMap<>();
        for (int j = 0; j < n; j++) {
            StatusReport r = reports.get(j);
            if (r == null) {
                System.out.printf("%-8d unreachable (no key acknowledgement or no answer in time)%n", j);
                continue;
            }
            if (r.viewActive()) inView.merge(r.view(), 1, Integer::sum);
            String state = r.corrupt() ? "corrupt" : r.transferring() ? "transfer" : r.viewActive() ? "active" : "changing";
            String counters = r.counters().stream().map(x -> x.name() + "=" + x.value()).collect(Collectors.joining(" "));
            System.out.printf("%-8d %-8d %-8d %-10d %-10d %-8s %-14d transfers=%d pages=%d %s%n", j, r.view(), (int) (r.view() % n),
                    r.lastExecuted(), r.stableSeq(), state, r.viewChangesStarted(), r.transfersCompleted(), r.pagesTransferred(), counters);
        }
        long bestView = -1;
        int best = 0;
        for (var e : inView.entrySet()) if (e.getValue() > best) { best = e.getValue(); bestView = e.getKey(); }
        if (best >= quorum) {
            System.out.println(best + " of " + n + " replicas share view " + bestView + " (2f+1 = " + quorum + " needed): the group can make progress");
            return 0;
        }
        System.out.println((best == 0 ? "no replicas share an installed view" : "only " + best + " of " + n + " replicas share view " + bestView)
                + " (2f+1 = " + quorum + " needed): the group cannot make progress until they do");
        System.err.println("bulwark status: fewer than 2f+1 = " + quorum + " replicas share an installed view (" + reports.size() + " of " + n + " answered)");
        return 1;
    }
}
