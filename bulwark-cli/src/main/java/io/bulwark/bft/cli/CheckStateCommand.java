package io.bulwark.bft.cli;

import io.bulwark.bft.state.StateFile;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.BitSet;
import java.util.Locale;
import java.util.StringJoiner;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code bulwark check-state FILE}: verifies a stopped replica's saved state ({@link StateFile})
 * page by page. Exit status 0 when every page matches its digest and the recomputed root is the
 * one recorded at save time, 1 when not, 2 when the file cannot be read as a state file at all.
 */
@Command(name = "check-state", mixinStandardHelpOptions = true,
        description = "Verify a saved replica state file: every page against its stored digest, and the root digest.")
final class CheckStateCommand implements Callable<Integer> {
    /** Corrupt page numbers listed before the rest is summarized. */
    static final int LIST_LIMIT = 100;

    @Parameters(index = "0", paramLabel = "FILE", description = "The state file.")
    Path file;

    @Option(names = "--all", description = "List every corrupt page (default: the first " + LIST_LIMIT + ").")
    boolean all;

    @Spec CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        if (!Files.isRegularFile(file)) throw new IllegalArgumentException(file + " is not a file");
        PrintWriter out = spec.commandLine().getOut();
        long start = System.nanoTime();
        StateFile.Report r = StateFile.check(file);
        double seconds = (System.nanoTime() - start) / 1e9;
        out.printf(Locale.ROOT, "%s: checkpoint %d, %d pages (%.1f MiB of state), checked in %.2f s%n",
                file, r.seq(), r.pageCount(), r.pageCount() * 4096.0 / (1 << 20), seconds);
        out.println("root digest " + r.root().toHex() + (r.rootMatches() ? " (as recorded at save)"
                : " DIFFERS from the root recorded at save"));
        out.println(r.pageCount() + " pages checked, " + r.corrupt().cardinality() + " corrupt: " + list(r.corrupt(), all ? Integer.MAX_VALUE : LIST_LIMIT));
        out.flush();
        return r.clean() ? 0 : 1;
    }

    static String list(BitSet pages, int limit) {
        StringJoiner j = new StringJoiner(", ", "[", "]");
        int shown = 0;
        for (int p = pages.nextSetBit(0); p >= 0 && shown < limit; p = pages.nextSetBit(p + 1), shown++) j.add(Integer.toString(p));
        int rest = pages.cardinality() - shown;
        return rest > 0 ? j + " and " + rest + " more (--all lists them)" : j.toString();
    }
}
