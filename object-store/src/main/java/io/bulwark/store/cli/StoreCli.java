package io.bulwark.store.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * The object store's command line, run by {@code ./bulwark bench store}: the engine's CLI cannot
 * depend on the store (dependencies point one way), so the store has its own jar and entry point.
 * {@code replica} is hidden: it is the process {@code bench store} starts for each replica.
 */
@Command(name = "bulwark", mixinStandardHelpOptions = true, version = "bulwark object store 0.1.0",
        description = "Bulwark object store: benchmarks.",
        subcommands = {StoreCli.Bench.class, StoreReplicaCommand.class})
public final class StoreCli {

    /** {@code bulwark bench}: the store's benchmarks. */
    @Command(name = "bench", mixinStandardHelpOptions = true, description = "Benchmarks of the object store.",
            subcommands = {StoreBenchCommand.class})
    static final class Bench {
    }

    public static void main(String[] args) {
        System.exit(run(args));
    }

    public static int run(String... args) {
        return commandLine().execute(args);
    }

    /** The command line {@link #run} executes; tests set its output and error writers. */
    static CommandLine commandLine() {
        CommandLine cl = new CommandLine(new StoreCli());
        // Bad input (options, files) is reported in one clear line, not a stack trace.
        cl.setExecutionExceptionHandler((ex, cmd, parsed) -> {
            cmd.getErr().println("bulwark " + cmd.getCommandName() + ": " + (ex.getMessage() == null ? ex.toString() : ex.getMessage()));
            return 2;
        });
        return cl;
    }
}
