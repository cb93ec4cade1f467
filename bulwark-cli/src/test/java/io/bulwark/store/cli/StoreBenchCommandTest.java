package io.bulwark.store.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import io.bulwark.store.bench.bank.TestBank;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/**
 * {@code bench store} at tiny scale, through the real command line, on the sample bank's jar: the last line is the JSON
 * the issue asks for, one row per system in the order given, and in every system the money after the run is the money
 * before it, as the bank's audit (or the baseline's sum) reads it (5 accounts of 100, few enough that transfers collide
 * and overdrafts are refused).
 */
class StoreBenchCommandTest {
    private static final Pattern ROW = Pattern.compile(
            "\\{\"system\":\"([a-z0-9-]+)\",\"ops_per_s\":([0-9.]+),\"latency_us_p50\":([0-9.]+),\"latency_us_p99\":([0-9.]+),"
                    + "\"measured\":(\\d+),\"applied\":(\\d+),\"refused\":(\\d+),\"failed\":(\\d+),\"retried\":(\\d+),"
                    + "\"money_before\":(\\d+),\"money_after\":(\\d+),\"conserved\":(true|false)"
                    + ",\"cpu_us_per_op\":\\{((?:\"[a-z0-9]+\":[0-9.]+,?)+)}(?:,\"transfers_per_batch\":([0-9.]+))?}");

    /**
     * {@code cpu}: the row's CPU per transfer, "bench" and each server process ("r0", ...), as printed;
     * {@code perBatch}: transfers per batch a replica executed, for a replicated system (else null).
     */
    record Row(String system, double ops, double p50, double p99, long measured, long applied, long moneyBefore, long moneyAfter,
               boolean conserved, String cpu, Double perBatch) {}

    static List<Row> run(String systems) {
        return run(systems, new StringWriter());
    }

    static List<Row> run(String systems, StringWriter out) {
        StringWriter err = new StringWriter();
        CommandLine cl = io.bulwark.bft.cli.BulwarkCli.commandLine();
        cl.setOut(new PrintWriter(out));
        cl.setErr(new PrintWriter(err));
        int code = cl.execute("bench", "store", "--clients", "2", "--accounts", "5", "--initial-balance", "100", "--max-amount", "60",
                "--warmup", "0.3", "--duration", "1", "--systems", systems, "--app", TestBank.jar().toString(), "--json");
        assertEquals(0, code, () -> "exit code; stdout:\n" + out + "\nstderr:\n" + err);
        String[] lines = out.toString().strip().split("\n");
        String json = lines[lines.length - 1];
        assertTrue(json.startsWith("{\"rows\":[") && json.endsWith("}"), json);
        List<Row> rows = new ArrayList<>();
        Matcher m = ROW.matcher(json);
        while (m.find())
            rows.add(new Row(m.group(1), Double.parseDouble(m.group(2)), Double.parseDouble(m.group(3)), Double.parseDouble(m.group(4)),
                    Long.parseLong(m.group(5)), Long.parseLong(m.group(6)), Long.parseLong(m.group(10)), Long.parseLong(m.group(11)),
                    Boolean.parseBoolean(m.group(12)), m.group(13), m.group(14) == null ? null : Double.valueOf(m.group(14))));
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
        // The bench's own process always; a BFT group's four replicas too, each having spent some CPU.
        assertTrue(r.cpu().matches("\"bench\":[0-9.]+.*"), r.toString());
        // A BFT row says how many transfers a batch held (replica 0's executed batches over the window);
        // the baselines order nothing.
        if (r.system().startsWith("bft")) assertTrue(r.perBatch() != null && r.perBatch() > 0, r.toString());
        else assertEquals(null, r.perBatch(), r.toString());
        if (r.system().startsWith("bft"))
            assertTrue(r.cpu().matches("\"bench\":[0-9.]+,\"r0\":[0-9.]*[1-9][0-9.]*,\"r1\":[0-9.]*[1-9][0-9.]*,\"r2\":[0-9.]*[1-9][0-9.]*,\"r3\":[0-9.]*[1-9][0-9.]*"), r.toString());
    }

    @Test
    void everySystemsRowHasTheShapeAndConservesMoney() {
        // bft starts 4 replica processes on loopback (ephemeral ports) and always stops them.
        List<Row> rows = run("bft,unreplicated,hibernate-h2");
        assertEquals(List.of("bft", "unreplicated", "hibernate-h2"), rows.stream().map(Row::system).toList());
        for (Row r : rows) assertConserved(r);
    }

    /**
     * The baselines on servers the benchmark starts: each runs and conserves money where its Debian
     * package is installed, and is skipped with the exact message where it is not (nothing is
     * installed without --install-missing); the other rows run either way.
     */
    @Test
    void serverBaselinesRunWhereInstalledAndAreSkippedByNameWhereNot() {
        StringWriter out = new StringWriter();
        List<Row> rows = run("unreplicated,hibernate-postgresql,etcd", out);
        List<String> expected = new ArrayList<>(List.of("unreplicated"));
        List<String> skipped = new ArrayList<>();
        for (var p : List.of(io.bulwark.store.bench.local.HostPackage.postgresql(), io.bulwark.store.bench.local.HostPackage.etcd())) {
            if (p.present()) {
                expected.add(p.system());
            } else {
                skipped.add("\"" + p.system() + "\"");
                assertTrue(out.toString().contains(p.skipMessage() + "\n"), out::toString);
            }
        }
        assertEquals(expected, rows.stream().map(Row::system).toList(), out::toString);
        for (Row r : rows) assertConserved(r);
        assertTrue(out.toString().contains("\"skipped\":[" + String.join(",", skipped) + "]"), out::toString);
    }

    @Test
    void aMissingPackageSkipsItsRowByNameAndTheOtherRowsStillRun() {
        StoreBenchCommand cmd = new StoreBenchCommand();
        Path nowhere = Path.of("/nonexistent-bulwark-test");
        cmd.hostPackages = Map.of(
                "etcd", new io.bulwark.store.bench.local.HostPackage("etcd", "etcd-server", List.of(nowhere.resolve("etcd"))),
                "hibernate-postgresql", new io.bulwark.store.bench.local.HostPackage("hibernate-postgresql", "postgresql",
                        List.of(nowhere.resolve("initdb"))));
        StringWriter out = new StringWriter(), err = new StringWriter();
        CommandLine cl = new CommandLine(cmd);
        cl.setOut(new PrintWriter(out));
        cl.setErr(new PrintWriter(err));
        int code = cl.execute("--clients", "2", "--accounts", "5", "--initial-balance", "100", "--warmup", "0", "--duration", "0.5",
                "--systems", "etcd,unreplicated,hibernate-postgresql", "--app", TestBank.jar().toString(), "--json");
        assertEquals(0, code, () -> out + "\n" + err);
        String o = out.toString();
        assertTrue(o.contains("skipping etcd: Debian package etcd-server is not installed\n"), o);
        assertTrue(o.contains("skipping hibernate-postgresql: Debian package postgresql is not installed\n"), o);
        assertTrue(o.contains("],\"skipped\":[\"etcd\",\"hibernate-postgresql\"],"), o);
        assertTrue(o.contains("{\"rows\":[{\"system\":\"unreplicated\","), o);
        assertFalse(o.contains("installing"), "nothing installed without --install-missing: " + o);
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
