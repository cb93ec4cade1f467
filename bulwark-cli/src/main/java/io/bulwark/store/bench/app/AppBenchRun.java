package io.bulwark.store.bench.app;

import java.io.IOException;
import java.io.PrintStream;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;

/**
 * One {@code bench app} run: each system in turn started ({@link DemoApp}), set up, loaded, audited and stopped
 * before the next starts, so that they never share the machine. {@link #close} stops whatever is running (from the
 * command, or from its shutdown hook on Ctrl-C).
 */
public final class AppBenchRun implements AutoCloseable {
    /** What each load user's account starts with, in cents: transfers of a few cents never overdraw it. */
    static final long INITIAL = 100_000_000;

    private final Path root;
    private final int clients;
    private final PrintStream progress;
    private DemoApp current;
    private boolean closed;

    public AppBenchRun(Path root, int clients, PrintStream progress) {
        this.root = root;
        this.clients = clients;
        this.progress = progress;
    }

    /** Starts {@code system}, loads it and stops it; its row. */
    public AppRow measure(String system, boolean unreplicated, Duration warmup, Duration measure, long maxAmount, long seed, long readyTimeoutSeconds)
            throws IOException, InterruptedException {
        DemoApp app;
        synchronized (this) {
            if (closed) throw new InterruptedException("stopping");
            progress.println("bench app: starting " + system + " (the demo script: " + (unreplicated ? "the unreplicated store" : "4 replica hosts")
                    + " and WildFly with the WAR)...");
            app = DemoApp.start(root, system, unreplicated, clients, root.resolve("run/bench-app/" + system), progress);
            current = app;
        }
        try {
            URI base = app.awaitReady(readyTimeoutSeconds);
            BankLoad load = new BankLoad(base, clients);
            progress.println("bench app: " + system + " ready at " + base + "; opening " + clients + " accounts...");
            long[] accounts = load.setup(INITIAL);
            progress.printf("bench app: %s: %d clients, warm-up %d ms, then measuring %d ms...%n", system, clients, warmup.toMillis(), measure.toMillis());
            BankLoad.Result r = load.run(accounts, warmup, measure, maxAmount, seed);
            BankLoad.Audit audit = load.audit();
            boolean conserved = audit.balanced() && audit.deposits() == INITIAL * clients;
            if (!conserved) progress.println("bench app: " + system + ": the books do not add up: " + audit + ", paid in " + INITIAL * clients);
            return new AppRow(system, r.completed() / r.measuredSeconds(), AppRow.percentileMillis(r.latenciesNanos(), 50),
                    AppRow.percentileMillis(r.latenciesNanos(), 99), r.applied(), r.refused(), r.failed(), conserved, r.firstFailure());
        } finally {
            progress.println("bench app: stopping " + system + "...");
            synchronized (this) {
                current = null;
            }
            app.close();
        }
    }

    @Override public void close() {
        DemoApp app;
        synchronized (this) {
            closed = true;
            app = current;
            current = null;
        }
        if (app != null) app.close();
    }
}
