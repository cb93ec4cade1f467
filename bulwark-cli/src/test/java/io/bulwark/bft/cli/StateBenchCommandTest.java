package io.bulwark.bft.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/**
 * {@code bulwark bench state} on a small state: the JSON line carries every figure, and
 * {@code --no-transfer} leaves out the one that needs replica processes. (The transfer itself is
 * measured by the command, and its mechanism tested by StateTransferLoopbackTest.)
 */
class StateBenchCommandTest {
    private record Run(int exit, String out, String err) {}

    private static Run run(String... args) {
        PrintStream stdout = System.out;
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        StringWriter err = new StringWriter();
        try {
            System.setOut(new PrintStream(bytes, true, StandardCharsets.UTF_8));
            int exit = BulwarkCli.commandLine().setErr(new PrintWriter(err)).execute(args);
            return new Run(exit, bytes.toString(StandardCharsets.UTF_8), err.toString());
        } finally {
            System.setOut(stdout);
        }
    }

    @Test
    void withoutTheTransferTheJsonHasTheTreeFigures() {
        Run r = run("bench", "state", "--pages", "600", "--modified", "10,100", "--reps", "1", "--warmup", "0", "--no-transfer", "--json");
        assertEquals(0, r.exit(), r.out() + r.err());
        String[] lines = r.out().strip().split("\n");
        String json = lines[lines.length - 1];
        for (String key : new String[] {"\"checkpoint_ms_10\":", "\"checkpoint_ms_100\":", "\"digest_update_us_per_page\":", "\"check_mb_per_s\":"})
            assertTrue(json.contains(key), key + " in " + json);
        assertFalse(json.contains("transfer_mb_per_s"), json);
    }

    @Test
    void badOptionsAreRejectedBeforeAnythingRuns() {
        Run r = run("bench", "state", "--pages", "600", "--missing-fraction", "0");
        assertTrue(r.exit() != 0);
        assertTrue(r.err().contains("--missing-fraction must be in (0, 1]"), r.err());
        Run runs = run("bench", "state", "--pages", "600", "--transfer-runs", "0");
        assertTrue(runs.exit() != 0);
        assertTrue(runs.err().contains("--transfer-runs must be 1..20"), runs.err());
        Run big = run("bench", "state", "--pages", Integer.toString((1 << 20) + 1));
        assertTrue(big.exit() != 0);
        assertTrue(big.err().contains("use --no-transfer"), big.err());
    }
}
