package io.bulwark.store.bench.etcd;

import io.bulwark.store.bench.local.Processes;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

/**
 * A 3-member etcd cluster on loopback for the {@code etcd} row of {@code bench store}: one process
 * per member, each with its own temporary data directory and its default durability (etcd fsyncs its
 * write-ahead log before it acknowledges a write). Ports are chosen free just before the start; etcd
 * needs them on its command line, so a member that lost its port to another process makes the
 * cluster start again on new ones. {@link #close} (also run by a shutdown hook, for Ctrl-C) stops
 * every member and removes the directories.
 */
public final class EtcdCluster implements AutoCloseable {
    public static final int MEMBERS = 3;
    /** Starts on fresh ports after a port clash at most this often. */
    static final int START_ATTEMPTS = 3;
    /** A member asked to stop gets this long before it is killed. */
    private static final long STOP_GRACE_SECONDS = 10;

    /** One member: its name, its two loopback ports and its data directory. */
    record Member(String name, int clientPort, int peerPort, Path dataDir) {
        String clientUrl() { return "http://127.0.0.1:" + clientPort; }

        String peerUrl() { return "http://127.0.0.1:" + peerPort; }
    }

    private final Path root;
    /** Written by the starting thread, read by the shutdown hook too. */
    private final List<Process> processes = new java.util.concurrent.CopyOnWriteArrayList<>();
    private final Processes.Hook hook;
    private List<Member> members = List.of();
    private boolean closed;

    private EtcdCluster(Path root) {
        this.root = root;
        this.hook = Processes.onShutdown("etcd", this::stopQuietly);
    }

    /** Starts the cluster with the binary {@code etcd} and waits until every member reports itself healthy, for at most {@code timeout}. */
    public static EtcdCluster start(Path etcd, Duration timeout) throws IOException, InterruptedException {
        EtcdCluster c = new EtcdCluster(Files.createTempDirectory("bulwark-etcd-"));
        try {
            c.startMembers(etcd, timeout);
            return c;
        } catch (IOException | InterruptedException | RuntimeException e) {
            c.close();
            throw e;
        }
    }

    private void startMembers(Path etcd, Duration timeout) throws IOException, InterruptedException {
        for (int attempt = 1; ; attempt++) {
            List<Integer> ports = Processes.freeLoopbackPorts(2 * MEMBERS);
            List<Member> ms = new ArrayList<>();
            for (int i = 0; i < MEMBERS; i++)
                ms.add(new Member("m" + i, ports.get(2 * i), ports.get(2 * i + 1), root.resolve("attempt-" + attempt).resolve("m" + i)));
            members = List.copyOf(ms);
            String token = "bulwark-bench-" + UUID.randomUUID();
            for (Member m : members) {
                Files.createDirectories(m.dataDir().getParent());
                Path log = logOf(m);
                processes.add(new ProcessBuilder(commandLine(etcd, m, members, token)).redirectErrorStream(true)
                        .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile())).start());
            }
            String failure = awaitHealthy(System.nanoTime() + timeout.toNanos());
            if (failure == null) return;
            stopProcesses();
            boolean clash = failure.toLowerCase(Locale.ROOT).contains("address already in use");
            if (!clash || attempt == START_ATTEMPTS)
                throw new IOException("etcd cluster did not start" + (clash ? " after " + attempt + " port clashes" : "") + ": " + failure);
        }
    }

    /** The command line of one member (etcd 3.4 flags). */
    static List<String> commandLine(Path etcd, Member m, List<Member> all, String token) {
        StringBuilder initial = new StringBuilder();
        for (Member o : all) {
            if (initial.length() > 0) initial.append(',');
            initial.append(o.name()).append('=').append(o.peerUrl());
        }
        return List.of(etcd.toString(),
                "--name", m.name(),
                "--data-dir", m.dataDir().toString(),
                "--listen-client-urls", m.clientUrl(),
                "--advertise-client-urls", m.clientUrl(),
                "--listen-peer-urls", m.peerUrl(),
                "--initial-advertise-peer-urls", m.peerUrl(),
                "--initial-cluster", initial.toString(),
                "--initial-cluster-token", token,
                "--initial-cluster-state", "new",
                "--logger", "zap",
                "--log-outputs", "stderr",
                "--log-level", "warn");
    }

    /** Null once every member answers /health with true; else why not (a member exited, or the deadline passed). */
    private String awaitHealthy(long deadline) throws InterruptedException {
        HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(1)).build();
        String last = "no answer yet";
        while (true) {
            for (int i = 0; i < MEMBERS; i++) {
                Process p = processes.get(i);
                if (!p.isAlive()) return "member " + members.get(i).name() + " exited with " + p.exitValue() + ": " + Processes.tail(logOf(members.get(i)), 1500);
            }
            int healthy = 0;
            for (Member m : members) {
                try {
                    HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(m.clientUrl() + "/health"))
                            .timeout(Duration.ofSeconds(2)).GET().build(), HttpResponse.BodyHandlers.ofString());
                    if (r.statusCode() == 200 && r.body().replace(" ", "").contains("\"health\":\"true\"")) healthy++;
                    else last = m.name() + ": HTTP " + r.statusCode() + " " + r.body().strip();
                } catch (IOException e) {
                    last = m.name() + ": " + e;
                }
            }
            if (healthy == MEMBERS) return null;
            if (System.nanoTime() - deadline > 0) return "not healthy by the deadline (" + last + ")";
            Thread.sleep(100);   // poll interval of the health check, bounded by the deadline above
        }
    }

    private Path logOf(Member m) {
        return root.resolve(m.name() + ".log");
    }

    /** The members' client URLs, for the etcd client. */
    public List<String> endpoints() {
        List<String> e = new ArrayList<>();
        for (Member m : members) e.add(m.clientUrl());
        return e;
    }

    /** The cluster's directory: data directories and logs (for tests). */
    Path root() { return root; }

    /** The members' processes while running (for tests). */
    List<Process> processes() { return List.copyOf(processes); }

    /** The last lines of every member's log (for a failed run). */
    public String logs() {
        StringBuilder b = new StringBuilder();
        for (Member m : members) b.append("--- etcd ").append(m.name()).append(" ---\n").append(Processes.tail(logOf(m), 2000)).append('\n');
        return b.toString();
    }

    private void stopProcesses() throws InterruptedException {
        for (Process p : processes) p.destroy();   // SIGTERM: etcd stops cleanly
        for (Process p : processes) {
            if (!p.waitFor(STOP_GRACE_SECONDS, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                p.waitFor(STOP_GRACE_SECONDS, TimeUnit.SECONDS);
            }
        }
        processes.clear();
    }

    private synchronized void stopQuietly() {
        if (closed) return;
        closed = true;
        try {
            stopProcesses();
        } catch (InterruptedException e) {
            for (Process p : processes) p.destroyForcibly();
            Thread.currentThread().interrupt();
        }
        try {
            Processes.deleteTree(root);
        } catch (IOException e) {
            System.err.println("etcd: could not remove " + root + ": " + e);
        }
    }

    /** Stops every member and removes their directories; safe to call twice. */
    @Override public void close() {
        stopQuietly();
        hook.remove();
    }
}
