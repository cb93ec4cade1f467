package io.bulwark.store.cli;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The store's replica processes on loopback, started with this JVM's class path (the CLI jar, or
 * the build's classes in tests), each logging to its own file. {@link #close()} stops them all
 * (SIGTERM, then SIGKILL after a grace period); a shutdown hook does the same if the CLI is
 * interrupted. The pattern of the engine's launcher, for the store's own entry point.
 */
final class StoreReplicaProcesses implements AutoCloseable {
    private final List<Process> processes = new ArrayList<>();
    private final List<Path> logs = new ArrayList<>();
    private final Thread hook = new Thread(this::stopAll, "bulwark-stop-store-replicas");

    StoreReplicaProcesses() {
        Runtime.getRuntime().addShutdownHook(hook);
    }

    /** Starts store replica {@code id} of the group in {@code config}; {@code extra} are further {@code replica} options. */
    void start(Path config, int id, List<String> extra) throws IOException {
        List<String> cmd = new ArrayList<>(List.of(javaBinary(), "-Xms128m", "-XX:+UseSerialGC",
                "-cp", System.getProperty("java.class.path"), StoreCli.class.getName(),
                "replica", "--config", config.toString(), "--id", Integer.toString(id)));
        cmd.addAll(extra);
        Path log = config.toAbsolutePath().getParent().resolve("replica-" + id + ".log");
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile()).start();
        processes.add(p);
        logs.add(log);
    }

    /** Waits until every replica printed its ready line; fails with the log of one that died or hung. */
    void awaitReady(long timeoutMs) throws IOException, InterruptedException {
        long deadline = System.currentTimeMillis() + timeoutMs;
        for (int i = 0; i < processes.size(); i++) {
            while (true) {
                if (Files.exists(logs.get(i)) && Files.readString(logs.get(i)).contains(StoreReplicaCommand.READY)) break;
                if (!processes.get(i).isAlive())
                    throw new IOException("replica process " + i + " exited with " + processes.get(i).exitValue() + ":\n" + tail(logs.get(i)));
                if (System.currentTimeMillis() > deadline)
                    throw new IOException("replica process " + i + " not ready within " + timeoutMs + " ms:\n" + tail(logs.get(i)));
                processes.get(i).waitFor(20, TimeUnit.MILLISECONDS);
            }
        }
    }

    /** Processes started and not yet stopped. */
    int count() { return processes.size(); }

    Process process(int i) { return processes.get(i); }

    /** The last lines of process {@code i}'s log, for failure reports. */
    String logTail(int i) {
        try {
            return tail(logs.get(i));
        } catch (IOException e) {
            return "(log unreadable: " + e.getMessage() + ")";
        }
    }

    private static String tail(Path log) throws IOException {
        if (!Files.exists(log)) return "(no output)";
        List<String> lines = Files.readAllLines(log);
        return String.join("\n", lines.subList(Math.max(0, lines.size() - 20), lines.size()));
    }

    private void stopAll() {
        for (Process p : processes) p.destroy();
        for (Process p : processes) {
            try {
                if (!p.waitFor(5, TimeUnit.SECONDS)) p.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                p.destroyForcibly();
                Thread.currentThread().interrupt();
            }
        }
    }

    @Override public void close() {
        stopAll();
        processes.clear();
        try {
            Runtime.getRuntime().removeShutdownHook(hook);
        } catch (IllegalStateException ignored) {
            // already shutting down: the hook is running or ran
        }
    }

    static String javaBinary() { return Path.of(System.getProperty("java.home"), "bin", "java").toString(); }
}
