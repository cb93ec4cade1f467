package io.bulwark.store.bench.hibernate;

import io.bulwark.store.bench.local.Processes;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.UserPrincipal;
import java.nio.file.attribute.UserPrincipalNotFoundException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;

/**
 * A private PostgreSQL server for the {@code hibernate-postgresql} row of {@code bench store}: a
 * fresh cluster made by {@code initdb} in a temporary directory, started by {@code pg_ctl} on an
 * ephemeral port of 127.0.0.1 only (its Unix socket in the same directory), with PostgreSQL's
 * default durability (fsync on, synchronous_commit on: a commit returns after its WAL record is
 * flushed). PostgreSQL refuses to run as root: run as root, the benchmark runs initdb, pg_ctl and so
 * the server as the user {@code postgres} (which the Debian package creates) through {@code runuser}.
 * {@link #close} (also run by a shutdown hook, for Ctrl-C) stops the server and removes the directory.
 */
public final class PostgresServer implements AutoCloseable {
    /** Debian 12's PostgreSQL 15 (package postgresql, which pulls postgresql-15). */
    public static final Path DEFAULT_BIN = Path.of("/usr/lib/postgresql/15/bin");
    /** The database role the benchmark connects as (initdb's superuser; trust authentication on the private socket and loopback). */
    public static final String ROLE = "bench";
    /** The operating-system user the server runs as when the benchmark runs as root. */
    static final String SERVER_USER_WHEN_ROOT = "postgres";
    static final int START_ATTEMPTS = 3;
    /** Paths go into pg_ctl's -o string, which a shell splits: plain characters only. */
    private static final Pattern PLAIN_PATH = Pattern.compile("[A-Za-z0-9/._-]+");

    private final Path bin;
    private final Path root;
    private final Path data;
    private final String osUser;
    private final Duration timeout;
    private final Processes.Hook hook;
    private int port;
    /** initdb or pg_ctl while one runs: a Ctrl-C meanwhile stops it too. */
    private volatile Process current;
    private boolean running;
    private boolean closed;

    private PostgresServer(Path bin, Path root, String osUser, Duration timeout) {
        this.bin = bin;
        this.root = root;
        this.data = root.resolve("data");
        this.osUser = osUser;
        this.timeout = timeout;
        this.hook = Processes.onShutdown("postgresql", this::stopQuietly);
    }

    /**
     * Creates and starts a server from the programs in {@code bin}, allowing {@code maxConnections}
     * connections; each step (initdb, start) may take at most {@code timeout}.
     */
    public static PostgresServer start(Path bin, int maxConnections, Duration timeout) throws IOException, InterruptedException {
        if (maxConnections < 1 || maxConnections > 10_000) throw new IllegalArgumentException("1 to 10000 connections, not " + maxConnections);
        String osUser = Processes.runningAsRoot() ? SERVER_USER_WHEN_ROOT : null;
        UserPrincipal owner = null;
        if (osUser != null) {
            try {
                owner = java.nio.file.FileSystems.getDefault().getUserPrincipalLookupService().lookupPrincipalByName(osUser);
            } catch (UserPrincipalNotFoundException e) {
                throw new IOException("PostgreSQL refuses to run as root, and there is no user '" + osUser
                        + "' to run it as (the Debian package postgresql creates it)");
            }
        }
        Path root = Files.createTempDirectory("bulwark-pg-");
        PostgresServer s = new PostgresServer(bin, root, osUser, timeout);
        try {
            if (!PLAIN_PATH.matcher(root.toString()).matches()) throw new IOException("temporary directory " + root + " has characters pg_ctl's options cannot carry");
            if (owner != null) Files.setOwner(root, owner);
            s.run(initdbCommand(bin, s.data), "initdb");
            s.startServer(maxConnections);
            return s;
        } catch (IOException | InterruptedException | RuntimeException e) {
            s.close();
            throw e;
        }
    }

    private void startServer(int maxConnections) throws IOException, InterruptedException {
        for (int attempt = 1; ; attempt++) {
            port = Processes.freeLoopbackPorts(1).get(0);
            Path log = root.resolve("server-" + attempt + ".log");
            String failure = runForFailure(startCommand(bin, data, log, port, root, maxConnections, timeout), "pg_ctl start");
            if (failure == null) {
                running = true;
                return;
            }
            String serverLog = Files.exists(log) ? Processes.tail(log, 1500) : "";
            boolean clash = serverLog.toLowerCase(Locale.ROOT).contains("address already in use");
            if (!clash || attempt == START_ATTEMPTS) throw new IOException("PostgreSQL did not start: " + failure + "\n" + serverLog);
        }
    }

    static List<String> initdbCommand(Path bin, Path data) {
        return List.of(bin.resolve("initdb").toString(), "-D", data.toString(), "-U", ROLE, "-A", "trust", "-E", "UTF8", "--locale=C");
    }

    /** pg_ctl start, waiting (-w) until the server accepts connections, for at most {@code timeout}. */
    static List<String> startCommand(Path bin, Path data, Path log, int port, Path socketDir, int maxConnections, Duration timeout) {
        String options = "-p " + port + " -c listen_addresses=127.0.0.1 -c unix_socket_directories=" + socketDir + " -c max_connections=" + maxConnections;
        return List.of(bin.resolve("pg_ctl").toString(), "start", "-D", data.toString(), "-l", log.toString(),
                "-w", "-t", Long.toString(Math.max(1, timeout.toSeconds())), "-o", options);
    }

    static List<String> stopCommand(Path bin, Path data, Duration timeout) {
        return List.of(bin.resolve("pg_ctl").toString(), "stop", "-D", data.toString(), "-m", "fast",
                "-w", "-t", Long.toString(Math.max(1, timeout.toSeconds())));
    }

    /** {@code command} as the server's user: through runuser when the benchmark runs as root. */
    static List<String> asUser(String osUser, List<String> command) {
        if (osUser == null) return command;
        List<String> c = new ArrayList<>(List.of("runuser", "-u", osUser, "--"));
        c.addAll(command);
        return c;
    }

    private void run(List<String> command, String what) throws IOException, InterruptedException {
        String failure = runForFailure(command, what);
        if (failure != null) throw new IOException(failure);
    }

    /** Runs a PostgreSQL program to its end; null if it exited 0, else what went wrong with the end of its output. */
    private String runForFailure(List<String> command, String what) throws IOException, InterruptedException {
        // In the server's directory, so a Ctrl-C that cuts this short leaves nothing behind either.
        Path out = Files.createTempFile(root, what.replace(' ', '-') + "-", ".log");
        try {
            // Its working directory is ours: the server's user may not be allowed into the caller's.
            Process p = new ProcessBuilder(asUser(osUser, command)).directory(root.toFile()).redirectErrorStream(true)
                    .redirectOutput(out.toFile()).start();
            current = p;
            if (!p.waitFor(timeout.toNanos() + TimeUnit.SECONDS.toNanos(5), TimeUnit.NANOSECONDS)) {
                p.destroyForcibly();
                return what + " still running after " + timeout.toSeconds() + " s (killed)";
            }
            return p.exitValue() == 0 ? null : what + " exited with " + p.exitValue() + ": " + Processes.tail(out, 1500);
        } finally {
            current = null;
            Files.deleteIfExists(out);
        }
    }

    /** The JDBC URL of the server's {@code postgres} database. */
    public String jdbcUrl() { return "jdbc:postgresql://127.0.0.1:" + port + "/postgres"; }

    public int port() { return port; }

    /** The server's directory: its data directory, socket and log (for tests). */
    Path root() { return root; }

    private synchronized void stopQuietly() {
        if (closed) return;
        closed = true;
        Process inFlight = current;
        if (inFlight != null) stopInFlight(inFlight);
        // pg_ctl start may have got the server going before it was stopped: stop it whenever there is a pid file.
        if (running || Files.exists(data.resolve("postmaster.pid"))) {
            try {
                String failure = runForFailure(stopCommand(bin, data, timeout), "pg_ctl stop");
                if (failure != null) {
                    System.err.println("postgresql: " + failure);
                    killPostmaster();
                }
            } catch (IOException e) {
                System.err.println("postgresql: " + e);
                killPostmaster();
            } catch (InterruptedException e) {
                killPostmaster();
                Thread.currentThread().interrupt();
            }
            running = false;
        }
        try {
            Processes.deleteTree(root);
        } catch (IOException e) {
            System.err.println("postgresql: could not remove " + root + ": " + e);
        }
    }

    /** initdb or pg_ctl start interrupted by Ctrl-C: the program and what it started as the server's user (runuser's child). */
    private static void stopInFlight(Process p) {
        p.descendants().forEach(ProcessHandle::destroy);
        p.destroy();
        try {
            if (!p.waitFor(10, TimeUnit.SECONDS)) {
                p.descendants().forEach(ProcessHandle::destroyForcibly);
                p.destroyForcibly();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** The last resort when pg_ctl could not stop it: SIGKILL to the postmaster named in postmaster.pid. */
    private void killPostmaster() {
        try {
            List<String> lines = Files.readAllLines(data.resolve("postmaster.pid"));
            if (lines.isEmpty()) return;
            long pid = Long.parseLong(lines.get(0).trim());
            ProcessHandle.of(pid).ifPresent(ProcessHandle::destroyForcibly);
        } catch (IOException | NumberFormatException e) {
            // no pid file: nothing is running
        }
    }

    /** Stops the server and removes its directory; safe to call twice. */
    @Override public void close() {
        stopQuietly();
        hook.remove();
    }
}
