package io.bulwark.store.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/**
 * {@code bench store} at tiny scale, through the real command line: the last line is the JSON the
 * issue asks for, one row per system in the order given, and in every system the money after the
 * run is the money before it (5 accounts of 100, few enough that transfers collide and overdrafts
 * are refused).
 */
class StoreBenchCommandTest {
    private static final Pattern ROW = Pattern.compile(
            "\\{\"system\":\"([a-z0-9-]+)\",\"ops_per_s\":([0-9.]+),\"latency_us_p50\":([0-9.]+),\"latency_us_p99\":([0-9.]+),"
                    + "\"measured\":(\\d+),\"applied\":(\\d+),\"refused\":(\\d+),\"failed\":(\\d+),\"retried\":(\\d+),"
                    + "\"money_before\":(\\d+),\"money_after\":(\\d+),\"conserved\":(true|false)}");

    record Row(String system, double ops, double p50, double p99, long measured, long applied, long moneyBefore, long moneyAfter,
               boolean conserved) {}

    static List<Row> run(String systems) {
        StringWriter out = new StringWriter(), err = new StringWriter();
        CommandLine cl = io.bulwark.bft.cli.BulwarkCli.commandLine();
        cl.setOut(new PrintWriter(out));
        cl.setErr(new PrintWriter(err));
        int code = cl.execute("bench", "store", "--clients", "2", "--accounts", "5", "--initial-balance", "100", "--max-amount", "60",
                "--warmup", "0.3", "--duration", "1", "--systems", systems, "--json");
        assertEquals(0, code, () -> "exit code; stdout:\n" + out + "\nstderr:\n" + err);
        String[] lines = out.toString().strip().split("\n");
        String json = lines[lines.length - 1];
        assertTrue(json.startsWith("{\"rows\":[") && json.endsWith("}"), json);
        List<Row> rows = new ArrayList<>();
        Matcher m = ROW.matcher(json);
        while (m.find())
            rows.add(new Row(m.group(1), Double.parseDouble(m.group(2)), Double.parseDouble(m.group(3)), Double.parseDouble(m.group(4)),
                    Long.parseLong(m.group(5)), Long.parseLong(m.group(6)), Long.parseLong(m.group(10)), Long.parseLong(m.group(11)),
                    Boolean.parseBoolean(m.group(12))));
        // Nothing but matched rows, comma-separated, between the brackets.
        String body = json.substring("{\"rows\":[".length(), json.indexOf(']'));
        assertEquals(",".repeat(Math.max(0, rows.size() - 1)), ROW.matcher(body).replaceAll(""), json);
        return rows;
    }

    static void assertConserved(Row r) {
        assertEquals(500, r.moneyBefore(), r.toString());
        assertEquals(500, r.moneyAfter(), r.system() + " lost or made money: " + r);
        assertTrue(r.conserved(), r.toString());
        assertTrue(r.applied() > 0, r.system() + " applied no transfer");
        assertTrue(r.measured() > 0 && r.ops() > 0, r.toString());
        assertTrue(r.p50() > 0 && r.p99() >= r.p50(), r.toString());
    }

    @Test
    void everySystemsRowHasTheShapeAndConservesMoney() {
        // bft starts 4 replica processes on loopback (ephemeral ports) and always stops them.
        List<Row> rows = run("bft,unreplicated,hibernate-h2");
        assertEquals(List.of("bft", "unreplicated", "hibernate-h2"), rows.stream().map(Row::system).toList());
        for (Row r : rows) assertConserved(r);
    }

    @Test
    void badOptionsAreRefusedWithAClearMessage() {
        for (String[] args : List.of(new String[] {"--systems", "oracle"}, new String[] {"--clients", "0"},
                new String[] {"--accounts", "1"}, new String[] {"--duration", "0"}, new String[] {"--systems", "hibernate-h2,hibernate-h2"})) {
            StringWriter out = new StringWriter(), err = new StringWriter();
            CommandLine cl = io.bulwark.bft.cli.BulwarkCli.commandLine();
            cl.setOut(new PrintWriter(out));
            cl.setErr(new PrintWriter(err));
            List<String> full = new ArrayList<>(List.of("bench", "store"));
            full.addAll(List.of(args));
            assertEquals(2, cl.execute(full.toArray(String[]::new)), String.join(" ", args));
            assertTrue(err.toString().startsWith("bulwark store: "), err.toString());
            assertEquals("", out.toString());
        }
    }
}
