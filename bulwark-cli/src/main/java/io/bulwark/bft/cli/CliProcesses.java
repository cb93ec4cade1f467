package io.bulwark.bft.cli;

import io.bulwark.bft.testkit.ReplicaProcesses;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;

/** Replica processes running this command line's own {@code replica} command (the test kit's {@link ReplicaProcesses}). */
public final class CliProcesses {
    private CliProcesses() {}

    /** Replica processes of this program. */
    public static ReplicaProcesses replicas() { return replicas(List.of()); }

    /** Replica processes of this program whose JVMs get {@code jvmOptions} too ({@code {id}} becomes the replica's id). */
    public static ReplicaProcesses replicas(List<String> jvmOptions) {
        return new ReplicaProcesses(jvmOptions, classPath(), BulwarkCli.class.getName(), ReplicaCommand.READY);
    }

    /** Starts the NO-REP baseline server among {@code processes} (logs to {@code dir/norep.log}). */
    static void startNoRep(ReplicaProcesses processes, Path dir, int port, int resultSize) throws IOException {
        processes.startProcess(dir.resolve("norep.log"),
                List.of("norep", "--port", Integer.toString(port), "--result-size", Integer.toString(resultSize)));
    }

    /**
     * What child processes run: the runnable jar this program runs from, or — run from the build's
     * classes (tests) — this JVM's class path, so they run exactly the same code.
     */
    static String classPath() {
        String self = ReplicaProcesses.codeSourceOf(BulwarkCli.class);
        return self.endsWith(".jar") ? self : System.getProperty("java.class.path");
    }
}
