package io.bulwark.bft.cli;

import picocli.CommandLine.Command;

/** {@code bulwark bench}: benchmarks that compare against a baseline in the same run. */
@Command(name = "bench", mixinStandardHelpOptions = true, description = "Benchmarks.",
        subcommands = {MicroBenchCommand.class, FailoverBenchCommand.class, AttackBenchCommand.class, StateBenchCommand.class,
                TransferBenchCommand.class, RecoveryBenchCommand.class, io.bulwark.store.cli.StoreBenchCommand.class, io.bulwark.store.cli.AppBenchCommand.class,
                io.bulwark.store.cli.StoreScaleBenchCommand.class})
final class BenchCommand {
}
