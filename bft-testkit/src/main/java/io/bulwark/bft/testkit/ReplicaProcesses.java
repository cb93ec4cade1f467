package io.bulwark.bft.testkit;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Replica processes on loopback, each logging to its own file: {@code mainClass replica --config C
 * --id I ...} from a class path, ready once it prints a marker. Used by {@code bulwark cluster}, the
 * benchmarks and tests against real processes. {@link #close()} stops them all (SIGTERM, then SIGKILL
 * after a grace period); a shutdown hook does the same if the caller is interrupted.
 */
public final class ReplicaProcesses implements AutoCloseable {
    private final List<Process> processes = new ArrayList<>();
    private final List<Path> logs = new ArrayList<>();
    /** Per process: where in its log the current process's output starts (a restart appends to the same log). */
    private final List<Long> logStarts = new ArrayList<>();
    private final Thread hook = new Thread(this::stopAll, "bulwark-stop-replicas");
    private final List<String> jvmOptions;
    private final String classPath;
    private final String mainClass;
    private final String readyMarker;

    /**
     * Replica processes that run {@code mainClass replica --config C --id I ...} from {@code classPath}
     * and print {@code readyMarker} once they listen. {@code jvmOptions} come after the defaults;
     * {@code {id}} in an option becomes the replica's id (e.g. a JFR file per replica).
     */
    public ReplicaProcesses(List<String> jvmOptions, String classPath, String mainClass, String readyMarker) {
        this.jvmOptions = List.copyOf(jvmOptions);
        this.classPath = classPath;
        this.mainClass = mainClass;
        this.readyMarker = readyMarker;
        Runtime.getRuntime().addShutdownHook(hook);
    }

    /**
     * The JVM options every child gets, in order: the defaults (a small fixed start heap, the serial
     * collector: four replicas share the machine's cores with their clients), then the environment's
     * {@value #CHILD_JVM_OPTIONS_ENV} (split on spaces; e.g. a JFR recording per process for a profile),
     * then the caller's. {@code {id}} in one becomes {@code name} (the replica's id, or "norep").
     */
    public static List<String> childJvmOptions(List<String> callers, String name) {
        List<String> opts = new ArrayList<>(List.of("-Xms256m", "-XX:+UseSerialGC"));
        String env = System.getenv(CHILD_JVM_OPTIONS_ENV);
        if (env != null) for (String o : env.trim().split("\\s+")) if (!o.isEmpty()) opts.add(o);
        opts.addAll(callers);
        opts.replaceAll(o -> o.replace("{id}", name));
        return opts;
    }

    /** The environment variable whose JVM options every replica process (and baseline server) gets. */
    public static final String CHILD_JVM_OPTIONS_ENV = "BULWARK_REPLICA_JAVA_OPTS";

    /** Starts replica {@code id}; {@code extra} are further {@code replica} options. */
    public void start(Path config, int id, List<String> extra) throws IOException {
        Path log = config.toAbsolutePath().getParent().resolve("replica-" + id + ".log");
        Process p = new ProcessBuilder(replicaCommand(config, id, extra)).redirectErrorStream(true).redirectOutput(log.toFile()).start();
        processes.add(p);
        logs.add(log);
        logStarts.add(0L);
    }

    /**
     * Kills process {@code i} ({@code kill -9}, if it still runs) and starts replica {@code id} in its place: a new
     * JVM with the same options, whose output goes on at the end of the same log. {@link #awaitReady} then waits
     * for this process's own ready line, not the one its predecessor left in the log.
     */
    public void restart(int i, Path config, int id, List<String> extra) throws IOException, InterruptedException {
        Process old = processes.get(i);
        old.destroyForcibly();
        if (!old.waitFor(30, TimeUnit.SECONDS)) throw new IOException("replica process " + i + " did not exit within 30 s of kill -9");
        logStarts.set(i, Files.exists(logs.get(i)) ? Files.size(logs.get(i)) : 0L);
        Process p = new ProcessBuilder(replicaCommand(config, id, extra)).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(logs.get(i).toFile())).start();
        processes.set(i, p);
    }

    private List<String> replicaCommand(Path config, int id, List<String> extra) {
        List<String> cmd = new ArrayList<>(List.of(javaBinary()));
        cmd.addAll(childJvmOptions(jvmOptions, Integer.toString(id)));
        cmd.addAll(List.of("-cp", classPath, mainClass, "replica", "--config", config.toString(), "--id", Integer.toString(id)));
        cmd.addAll(extra);
        return cmd;
    }

    /**
     * Starts another process of the same program ({@code mainClass args...}), logging to {@code log}:
     * e.g. an unreplicated baseline server. It is stopped with the replicas.
     */
    public void startProcess(Path log, List<String> args) throws IOException {
        List<String> cmd = new ArrayList<>(List.of(javaBinary()));
        cmd.addAll(childJvmOptions(List.of(), log.getFileName().toString().replaceFirst("\\.log$", "")));
        cmd.addAll(List.of("-cp", classPath, mainClass));
        cmd.addAll(args);
        processes.add(new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile()).start());
        logs.add(log);
        logStarts.add(0L);
    }

    /**
     * Waits until every replica's current process printed its ready line (after a {@link #restart}, the new
     * process's); fails with the log of one that died or hung.
     */
    public void awaitReady(long timeoutMs) throws IOException, InterruptedException {
        long deadline = System.currentTimeMillis() + timeoutMs;
        for (int i = 0; i < processes.size(); i++) {
            while (true) {
                if (currentOutput(i).contains(readyMarker)) break;
                if (!processes.get(i).isAlive())
                    throw new IOException("replica process " + i + " exited with " + processes.get(i).exitValue() + ":\n" + tail(logs.get(i)));
                if (System.currentTimeMillis() > deadline)
                    throw new IOException("replica process " + i + " not ready within " + timeoutMs + " ms:\n" + tail(logs.get(i)));
                processes.get(i).waitFor(20, TimeUnit.MILLISECONDS);
            }
        }
    }

    public Process process(int i) { return processes.get(i); }

    /** What process {@code i}'s current JVM has written to its log so far. */
    private String currentOutput(int i) throws IOException {
        Path log = logs.get(i);
        if (!Files.exists(log)) return "";
        byte[] all = Files.readAllBytes(log);
        int from = (int) Math.min(all.length, logStarts.get(i));
        return new String(all, from, all.length - from, java.nio.charset.StandardCharsets.UTF_8);
    }

    /**
     * Process {@code i}'s resident memory (VmRSS) in MiB, read from {@code /proc}; -1 where that cannot be
     * read (not Linux, or the process has exited).
     */
    public long residentMiB(int i) {
        try {
            for (String line : Files.readAllLines(Path.of("/proc", Long.toString(processes.get(i).pid()), "status")))
                if (line.startsWith("VmRSS:")) return Long.parseLong(line.replaceAll("[^0-9]", "")) / 1024;
        } catch (IOException | RuntimeException e) {
            // not Linux, or gone: unknown
        }
        return -1;
    }

    /** Every process's resident memory, " r0 182 r1 180 ..." in MiB ("?" where unreadable), for a bench's report. */
    public String residentMiBSummary() {
        StringBuilder b = new StringBuilder();
        for (int i = 0; i < processes.size(); i++) {
            long v = residentMiB(i);
            b.append(" r").append(i).append(' ').append(v < 0 ? "?" : Long.toString(v));
        }
        return b.toString();
    }

    /** The log files of every process started, stopped ones included. */
    public List<Path> logs() { return List.copyOf(logs); }

    /** Processes started (and not yet stopped by {@link #close}). */
    public int count() { return processes.size(); }

    /** Process {@code i}'s log file (standard output and error). */
    public Path log(int i) { return logs.get(i); }

    /** The last lines of process {@code i}'s log, for failure reports. */
    public String logTail(int i) {
        try {
            return tail(logs.get(i));
        } catch (IOException e) {
            return "(log unreadable: " + e.getMessage() + ")";
        }
    }

    /** Whether replica {@code i}'s whole log so far contains {@code text} (its tail may have scrolled past it). */
    public boolean logContains(int i, String text) {
        try {
            Path log = logs.get(i);
            return Files.exists(log) && Files.readString(log).contains(text);
        } catch (IOException e) {
            return false;
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

    public static String javaBinary() { return Path.of(System.getProperty("java.home"), "bin", "java").toString(); }

    /** The jar (or classes directory) {@code c} was loaded from, so child processes run exactly the same code. */
    public static String codeSourceOf(Class<?> c) {
        try {
            return Path.of(c.getProtectionDomain().getCodeSource().getLocation().toURI()).toString();
        } catch (java.net.URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }
}
