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
 * sample-bank.jar --access-policy bank-policy.conf}, from the CLI's runnable jar, with the keys, policy and
 * users written into {@code it.group.dir} (where the server's {@code bulwark.client.config} points).
 * {@link #close()} stops them all.
 */
final class BankGroup implements AutoCloseable {
    static final long READY_MS = 180_000;

    final Path dir;
    final Path clusterConf;
    final ReplicaProcesses replicas;

    private BankGroup(Path dir, Path clusterConf, ReplicaProcesses replicas) {
        this.dir = dir;
        this.clusterConf = clusterConf;
        this.replicas = replicas;
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
            for (int id = 0; id < 4; id++) {
                List<String> args = new ArrayList<>(List.of("--service", "cdi", "--app", deps.resolve("sample-bank.jar").toString(),
                        "--access-policy", dir.resolve(SampleGroupFiles.POLICY).toString()));
                if (adversaries.containsKey(id)) args.addAll(List.of("--adversary", adversaries.get(id)));
                processes.start(conf, id, args);
            }
            processes.awaitReady(READY_MS);
            return new BankGroup(dir, conf, processes);
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
