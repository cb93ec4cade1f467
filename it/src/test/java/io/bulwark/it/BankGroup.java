package io.bulwark.it;

import io.bulwark.bft.testkit.ReplicaProcesses;
import io.bulwark.sample.users.SampleGroupFiles;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * Four replica-host processes on loopback running the sample bank: {@code bulwark replica --service cdi --app
 * sample-bank.jar --access-policy bank-policy.conf --data-dir data-I}, from the CLI's runnable jar, with the keys,
 * policy and users written into {@code it.group.dir} (where the server's {@code bulwark.client.config} points).
 * Durable, as {@code ./bulwark demo} runs them: each journals its votes in its data dir and syncs before it sends
 * them, so {@link #restart} after {@code kill -9} loses nothing a client saw committed. {@link #close()} stops them all.
 */
final class BankGroup implements AutoCloseable {
    static final long READY_MS = 180_000;

    final Path dir;
    final Path clusterConf;
    final ReplicaProcesses replicas;
    /** Each replica's {@code replica} options after {@code --config} and {@code --id}, for {@link #restart}. */
    private final List<List<String>> options;

    private BankGroup(Path dir, Path clusterConf, ReplicaProcesses replicas, List<List<String>> options) {
        this.dir = dir;
        this.clusterConf = clusterConf;
        this.replicas = replicas;
        this.options = options;
    }

    static BankGroup start() throws IOException, InterruptedException { return start(Map.of()); }

    /** As {@link #start()}, replica {@code i} started with {@code --adversary adversaries.get(i)} where given (a test-only fault switch). */
    static BankGroup start(Map<Integer, String> adversaries) throws IOException, InterruptedException {
        Path dir = Path.of(required("it.group.dir")), deps = Path.of(required("it.deps"));
        deleteTree(dir);
        Path conf = SampleGroupFiles.write(dir);
        ReplicaProcesses processes = new ReplicaProcesses(List.of("-Xmx256m"), deps.resolve("bulwark.jar").toString(),
                "io.bulwark.bft.cli.BulwarkCli", "ready");
        try {
            List<List<String>> options = new ArrayList<>();
            for (int id = 0; id < 4; id++) {
                List<String> args = new ArrayList<>(List.of("--service", "cdi", "--app", deps.resolve("sample-bank.jar").toString(),
                        "--access-policy", dir.resolve(SampleGroupFiles.POLICY).toString(),
                        "--data-dir", Files.createDirectories(dir.resolve("data-" + id)).toString()));
                if (adversaries.containsKey(id)) args.addAll(List.of("--adversary", adversaries.get(id)));
                processes.start(conf, id, args);
                options.add(List.copyOf(args));
            }
            processes.awaitReady(READY_MS);
            return new BankGroup(dir, conf, processes, List.copyOf(options));
        } catch (IOException | InterruptedException | RuntimeException e) {
            processes.close();
            throw e;
        }
    }

    /** {@code kill -9} of replica {@code id}: no shutdown hook, no goodbye. */
    void kill(int id) throws InterruptedException {
        Process p = replicas.process(id);
        p.destroyForcibly();   // SIGKILL on Linux
        p.waitFor();
    }

    /**
     * {@code kill -9} of replica {@code id} if it still runs, and a new process in its place on the same data dir
     * (its log goes on in the same file). {@link #awaitReady} waits for the new ones.
     */
    void restart(int id) throws IOException, InterruptedException {
        replicas.restart(id, clusterConf, id, options.get(id));
    }

    /** Until every replica's current process is ready (listening, its saved state and journal loaded). */
    void awaitReady() throws IOException, InterruptedException {
        replicas.awaitReady(READY_MS);
    }

    static String required(String property) {
        String v = System.getProperty(property);
        if (v == null) throw new IllegalStateException("system property " + property + " is not set (run through Maven: the it module's pom sets it)");
        return v;
    }

    private static void deleteTree(Path dir) throws IOException {
        if (!Files.exists(dir)) return;
        try (Stream<Path> s = Files.walk(dir)) {
            for (Path p : s.sorted(Comparator.reverseOrder()).toList()) Files.delete(p);
        }
    }

    @Override public void close() { replicas.close(); }
}
