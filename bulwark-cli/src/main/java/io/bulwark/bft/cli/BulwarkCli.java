package io.bulwark.bft.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/** The {@code bulwark} command line: keygen, replica, kv, status, cluster, bench, sim, check-state. */
@Command(name = "bulwark", mixinStandardHelpOptions = true, version = "bulwark 0.1.0",
        description = "Bulwark: a Byzantine-fault-tolerant replication engine (BFT-PR).",
        subcommands = {KeygenCommand.class, ReplicaCommand.class, KvCommand.class, StatusCommand.class, ClusterCommand.class, BenchCommand.class, SimCommand.class, NoRepCommand.class, FloodCommand.class, UnreplicatedCommand.class,
                CheckStateCommand.class})
public final class BulwarkCli {

    public static void main(String[] args) {
        System.exit(run(args));
    }

    public static int run(String... args) {
        return commandLine().execute(args);
    }

    /** The command line {@link #run} executes; tests set its output and error writers. */
    public static CommandLine commandLine() {
        CommandLine cl = new CommandLine(new BulwarkCli());
        // Bad input (options, files) is reported in one clear line, not a stack trace.
        cl.setExecutionExceptionHandler((ex, cmd, parsed) -> {
            cmd.getErr().println("bulwark " + cmd.getCommandName() + ": " + (ex.getMessage() == null ? ex.toString() : ex.getMessage()));
            return 2;
        });
        return cl;
    }
}
