package io.bulwark.store.bench.local;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * A server a baseline of {@code bench store} needs from the host, by the Debian package that ships
 * it and the programs it must find. {@link #ensure} finds them; with {@code --install-missing}, as
 * root and with apt, it installs the package first (saying so); otherwise the row is skipped with
 * {@link #skipMessage}, and the other rows still run.
 */
public record HostPackage(String system, String debianPackage, List<Path> programs) {
    /** apt-get may take this long to fetch and unpack a package. */
    static final long INSTALL_TIMEOUT_MINUTES = 10;

    public HostPackage {
        if (programs.isEmpty()) throw new IllegalArgumentException("no program to look for");
        programs = List.copyOf(programs);
    }

    /** etcd: the Debian package etcd-server's server binary. */
    public static HostPackage etcd() {
        return new HostPackage("etcd", "etcd-server", List.of(Path.of("/usr/bin/etcd")));
    }

    /** PostgreSQL 15 as Debian 12 ships it (package postgresql, which pulls postgresql-15). */
    public static HostPackage postgresql() {
        Path bin = io.bulwark.store.bench.hibernate.PostgresServer.DEFAULT_BIN;
        return new HostPackage("hibernate-postgresql", "postgresql",
                List.of(bin.resolve("initdb"), bin.resolve("pg_ctl"), bin.resolve("postgres")));
    }

    /** The line printed when the row is skipped. */
    public String skipMessage() {
        return "skipping " + system + ": Debian package " + debianPackage + " is not installed";
    }

    /** Every program is there and executable. */
    public boolean present() {
        for (Path p : programs) if (!Files.isRegularFile(p) || !Files.isExecutable(p)) return false;
        return true;
    }

    /**
     * Empty when the programs are there (installed now if {@code installMissing} and possible), else
     * the reason to skip the row (already printed to {@code out}).
     */
    public Optional<String> ensure(boolean installMissing, PrintWriter out) throws InterruptedException {
        if (present()) return Optional.empty();
        if (installMissing) {
            if (!Processes.runningAsRoot()) {
                out.println(system + ": --install-missing needs root to run apt-get; not installing " + debianPackage);
            } else if (!Files.isExecutable(Path.of("/usr/bin/apt-get"))) {
                out.println(system + ": --install-missing needs apt-get (Debian or Ubuntu); not installing " + debianPackage);
            } else {
                out.println(system + ": installing Debian package " + debianPackage + " (apt-get install -y " + debianPackage + ")");
                out.flush();
                String failure = install();
                if (failure == null && present()) return Optional.empty();
                out.println(system + ": apt-get install -y " + debianPackage + " failed: " + (failure == null ? "the programs are still missing: " + programs : failure));
            }
        }
        out.println(skipMessage());
        out.flush();
        return Optional.of(skipMessage());
    }

    /** Runs apt-get install; null when it exited 0, else what went wrong (the end of its output). */
    private String install() throws InterruptedException {
        try {
            Path log = Files.createTempFile("bulwark-apt-", ".log");
            log.toFile().deleteOnExit();   // also when a Ctrl-C cuts the install short
            try {
                ProcessBuilder pb = new ProcessBuilder("apt-get", "install", "-y", "-q", debianPackage)
                        .redirectErrorStream(true).redirectOutput(log.toFile());
                pb.environment().put("DEBIAN_FRONTEND", "noninteractive");
                Process p = pb.start();
                if (!p.waitFor(INSTALL_TIMEOUT_MINUTES, TimeUnit.MINUTES)) {
                    p.destroyForcibly();
                    return "still running after " + INSTALL_TIMEOUT_MINUTES + " minutes (stopped)";
                }
                return p.exitValue() == 0 ? null : "exit " + p.exitValue() + ": " + Processes.tail(log, 800);
            } finally {
                Files.deleteIfExists(log);
            }
        } catch (IOException e) {
            return e.toString();
        }
    }
}
