package io.bulwark.bft.cli;

import io.bulwark.bft.testkit.ReplicaProcesses;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * {@code bulwark flood} run as a child process at the lowest CPU priority ({@code nice -n 19}, when
 * the host has {@code nice}): the attacker is another host, so its own CPU must not be taken from the
 * replicas and clients being measured; on a shared machine it gets only what they leave idle.
 */
final class FloodProcess implements AutoCloseable {
    private final Process process;
    private final Path log;
    final boolean niced;

    private FloodProcess(Process process, Path log, boolean niced) {
        this.process = process;
        this.log = log;
        this.niced = niced;
    }

    /** Starts the flood of {@code targets} with {@code floodArgs} (e.g. --idle 1500), logging to {@code log}; returns once it runs. */
    static FloodProcess start(List<InetSocketAddress> targets, List<String> floodArgs, Path log) throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>();
        boolean niced = nicePresent();
        if (niced) cmd.addAll(List.of("nice", "-n", "19"));
        cmd.addAll(List.of(ReplicaProcesses.javaBinary(), "-Xmx256m", "-XX:+UseSerialGC", "-cp", CliProcesses.classPath(),
                BulwarkCli.class.getName(), "flood"));
        for (InetSocketAddress t : targets) cmd.addAll(List.of("--target", t.getHostString() + ":" + t.getPort()));
        cmd.addAll(floodArgs);
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile()).start();
        FloodProcess f = new FloodProcess(p, log, niced);
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (!(Files.exists(log) && Files.readString(log).contains(FloodCommand.STARTED))) {
            if (!p.isAlive()) throw new IOException("the flood process exited with " + p.exitValue() + ": " + Files.readString(log));
            if (System.nanoTime() > deadline) {
                f.close();
                throw new IOException("the flood process did not start within 30 s: " + Files.readString(log));
            }
            p.waitFor(20, TimeUnit.MILLISECONDS);
        }
        return f;
    }

    private static boolean nicePresent() {
        for (String dir : System.getenv().getOrDefault("PATH", "/usr/bin:/bin").split(":"))
            if (Files.isExecutable(Path.of(dir, "nice"))) return true;
        return false;
    }

    /** Stops it (SIGTERM through the process handle, so its last line is written) and returns that line. */
    String stop() throws IOException, InterruptedException {
        process.toHandle().destroy();
        if (!process.waitFor(15, TimeUnit.SECONDS)) process.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
        String last = "(the flood process printed nothing)";
        for (String line : Files.readAllLines(log)) if (line.startsWith("flood")) last = line;
        return last;
    }

    @Override public void close() {
        if (process.isAlive()) {
            process.toHandle().destroy();
            try {
                if (!process.waitFor(15, TimeUnit.SECONDS)) process.destroyForcibly();
            } catch (InterruptedException e) {
                process.destroyForcibly();
                Thread.currentThread().interrupt();
            }
        }
    }
}
