package io.bulwark.store.cli;

import io.bulwark.store.bench.BenchReport;
import io.bulwark.store.bench.app.AppBenchReport;
import io.bulwark.store.bench.app.AppBenchRun;
import io.bulwark.store.bench.app.AppRow;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code bulwark bench app}: the sample bank as a user runs it — WildFly with the WAR, started by the demo's own
 * script — driven over HTTP by concurrent clients doing transfers, once against the 4 replica hosts ({@code bft}) and
 * once, in the same run, against the same bank jar in one unreplicated store process ({@code unreplicated}, the WAR
 * pointed at it by {@code bulwark.bank.unreplicated-store}). Throughput and p50/p99 latency per system; the books are
 * audited after each. Everything started is stopped at the end, on failure, and on Ctrl-C.
 */
@Command(name = "app", mixinStandardHelpOptions = true,
        description = "HTTP transfers against the sample bank on WildFly, replicated (bft) and unreplicated: ops/s, p50/p99 latency.")
public final class AppBenchCommand implements Callable<Integer> {
    static final List<String> SYSTEMS = List.of("bft", "unreplicated");
    /** The sample's SampleGroupFiles.MAX_LOAD_USERS: one load user per client. */
    static final int MAX_CLIENTS = 256;
    static final String SERVER = "WildFly 39 (standalone-microprofile.xml, as ./bulwark demo)";

    @Option(names = "--clients", defaultValue = "16", description = "Concurrent HTTP clients, each its own bank user (default: ${DEFAULT-VALUE}).")
    int clients;

    @Option(names = "--seconds", defaultValue = "30", description = "Measured seconds per system (default: ${DEFAULT-VALUE}).")
    double seconds;

    @Option(names = "--warmup", defaultValue = "60", description = "Warm-up seconds before the measured window, per system (default: ${DEFAULT-VALUE}; "
            + "the server and the store JVMs are JIT-compiling at first: with 15 s the bft row measured 105 ops/s, with 60 s 200-312).")
    double warmup;

    @Option(names = "--systems", defaultValue = "bft,unreplicated", split = ",", description = "Which systems, in order (default: ${DEFAULT-VALUE}).")
    List<String> systems;

    @Option(names = "--max-amount", defaultValue = "100", description = "Transfers move 1..this many cents (default: ${DEFAULT-VALUE}).")
    long maxAmount;

    @Option(names = "--seed", defaultValue = "1", description = "Seed of the clients' choices of target account and amount (default: ${DEFAULT-VALUE}).")
    long seed;

    @Option(names = "--ready-timeout", defaultValue = "900", description = "Seconds to wait for the server and the store to come up (default: ${DEFAULT-VALUE}).")
    long readyTimeout;

    @Option(names = "--json", description = "End with one line of JSON: {\"rows\":[{\"system\":...,\"ops_per_s\":...,\"latency_ms_p50\":...,\"latency_ms_p99\":...}, ...], ...}.")
    boolean json;

    @Option(names = "--no-build", description = "Use what the last build left in it/target (the ./bulwark launcher otherwise builds the WAR, the bank jar and WildFly first).")
    boolean noBuild;

    @Override
    public Integer call() throws Exception {
        if (clients < 2 || clients > MAX_CLIENTS) throw new IllegalArgumentException("--clients must be 2.." + MAX_CLIENTS + " (each needs an account to send to)");
        if (seconds <= 0 || warmup < 0) throw new IllegalArgumentException("--seconds must be positive and --warmup not negative");
        if (maxAmount < 1) throw new IllegalArgumentException("--max-amount must be at least 1");
        Set<String> chosen = new LinkedHashSet<>(systems);
        for (String s : chosen) if (!SYSTEMS.contains(s)) throw new IllegalArgumentException("unknown system '" + s + "' (expected " + SYSTEMS + ")");
        Path root = Path.of(System.getenv().getOrDefault("BULWARK_HOME", ".")).toAbsolutePath().normalize();
        Path deps = root.resolve("it/target/it-deps");
        for (String f : List.of("bank.war", "sample-bank.jar", "bulwark.jar"))
            if (!Files.isRegularFile(deps.resolve(f)))
                throw new IllegalArgumentException("no " + deps.resolve(f) + ": build first (./bulwark bench app builds it; or ./mvnw -pl it -am verify -DskipTests)");

        PrintStream out = System.out, progress = System.err;
        double[] loadBefore = BenchReport.loadAverage();
        List<String> how = List.of(
                String.format(Locale.ROOT, "bench app: the sample bank on %s, %d HTTP clients (java.net.http, HTTP/1.1, one bank user and one account each),", SERVER, clients),
                String.format(Locale.ROOT, "  POST api/transfers of 1..%d cents to a random other client's account; warm-up %.1f s, measured %.1f s per system; seed %d",
                        maxAmount, warmup, seconds, seed),
                "  bft: 4 replica hosts (bulwark replica --service cdi); unreplicated: one bulwark unreplicated process (the WAR's bulwark.bank.unreplicated-store)",
                "  load average before: " + load(loadBefore));
        for (String line : how) progress.println(line);

        List<AppRow> rows = new ArrayList<>();
        try (AppBenchRun run = new AppBenchRun(root, clients, progress)) {
            Runtime.getRuntime().addShutdownHook(new Thread(run::close, "bench-app-stop"));   // Ctrl-C: stop what is running
            for (String system : chosen)
                rows.add(run.measure(system, system.equals("unreplicated"), Duration.ofMillis((long) (warmup * 1000)), Duration.ofMillis((long) (seconds * 1000)),
                        maxAmount, seed, readyTimeout));
        }
        double[] loadAfter = BenchReport.loadAverage();
        out.println();
        for (String line : how) out.println(line);
        out.println("  load average after: " + load(loadAfter));
        out.print(AppBenchReport.table(rows));
        for (AppRow r : rows) if (r.firstFailure() != null) out.println("  " + r.system() + ", first failure: " + r.firstFailure());
        if (rows.size() == 2 && rows.get(1).opsPerSecond() > 0)
            out.printf(Locale.ROOT, "  bft / unreplicated throughput: %.2f (figures from a shared machine mean little without the load average)%n",
                    rows.get(0).opsPerSecond() / rows.get(1).opsPerSecond());
        if (json) out.println(AppBenchReport.json(rows, new AppBenchReport.Settings(SERVER, clients, warmup, seconds, seed), loadBefore, loadAfter));
        out.flush();
        boolean ok = rows.stream().allMatch(r -> r.conserved() && r.applied() + r.refused() > 0);
        return ok ? 0 : 1;
    }

    private static String load(double[] l) { return l == null ? "unknown" : String.format(Locale.ROOT, "%.2f %.2f %.2f", l[0], l[1], l[2]); }
}
