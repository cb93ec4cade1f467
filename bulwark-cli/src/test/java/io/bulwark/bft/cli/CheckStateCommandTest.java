package io.bulwark.bft.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.bulwark.bft.state.PartitionTree;
import io.bulwark.bft.state.StateFile;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code bulwark check-state}: save a state, flip bits in the file, the command names the pages. */
class CheckStateCommandTest {
    @TempDir Path dir;

    private record Run(int exit, String out, String err) {}

    private static Run run(String... args) {
        StringWriter out = new StringWriter(), err = new StringWriter();
        int exit = BulwarkCli.commandLine().setOut(new PrintWriter(out)).setErr(new PrintWriter(err)).execute(args);
        return new Run(exit, out.toString(), err.toString());
    }

    @Test
    void reportsTheCorruptPagesAndExitsNonZero() throws Exception {
        PartitionTree t = new PartitionTree(600);
        for (int p = 0; p < 600; p += 2) t.modify(p)[p % 4096] = (byte) (p | 1);
        t.checkpoint(7);
        Path f = dir.resolve("replica-0.state");
        StateFile.save(t, 7, f);

        Run clean = run("check-state", f.toString());
        assertEquals(0, clean.exit(), clean.out() + clean.err());
        assertTrue(clean.out().contains("600 pages checked, 0 corrupt: []"), clean.out());
        assertTrue(clean.out().contains("root digest " + t.digest(7).toHex() + " (as recorded at save)"), clean.out());
        assertTrue(clean.out().contains("checkpoint 7"), clean.out());

        // Page data starts after the header and the page table; pages 0, 2, 4, ... are stored in order.
        byte[] b = Files.readAllBytes(f);
        long data = 60 + 600L * 41;
        b[(int) (data + 4096L * (10 / 2) + 99)] ^= 0x40;    // page 10
        b[(int) (data + 4096L * (598 / 2) + 4095)] ^= 0x01;  // page 598, last byte
        Files.write(f, b);
        Run bad = run("check-state", f.toString());
        assertEquals(1, bad.exit());
        assertTrue(bad.out().contains("600 pages checked, 2 corrupt: [10, 598]"), bad.out());

        Files.write(f, new byte[] {1, 2, 3});
        Run garbage = run("check-state", f.toString());
        assertEquals(2, garbage.exit());
        assertTrue(garbage.err().contains("too short for a state file"), garbage.err());
    }

    @Test
    void longListsAreCut() {
        java.util.BitSet b = new java.util.BitSet();
        for (int i = 0; i < 150; i++) b.set(2 * i);
        assertEquals("[0, 2, 4] and 147 more (--all lists them)", CheckStateCommand.list(b, 3));
        assertEquals("[]", CheckStateCommand.list(new java.util.BitSet(), 3));
    }
}
