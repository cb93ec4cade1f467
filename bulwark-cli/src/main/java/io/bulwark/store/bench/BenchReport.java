package io.bulwark.store.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;

/**
 * The output of {@code bench store}: a table for people, and one JSON line for scripts,
 * {@code {"rows":[{"system":..,"ops_per_s":..,"latency_us_p50":..,"latency_us_p99":..,...}],...}},
 * the required fields first, then the counts and the oracle's verdict per row, then the settings
 * and the machine's load average (the machine is shared, so figures mean little without it).
 */
public final class BenchReport {
    private BenchReport() {}

    public static String table(List<BenchRow> rows) {
        StringBuilder b = new StringBuilder();
        b.append(String.format(Locale.ROOT, "%-20s %10s %12s %12s %9s %9s %8s %7s %8s  %s%n",
                "system", "ops/s", "p50 (us)", "p99 (us)", "measured", "applied", "refused", "failed", "retried", "money conserved"));
        for (BenchRow r : rows)
            b.append(String.format(Locale.ROOT, "%-20s %10.1f %12.1f %12.1f %9d %9d %8d %7d %8d  %s%n",
                    r.system(), r.opsPerSecond(), r.p50Micros(), r.p99Micros(), r.measured(), r.applied(), r.refused(), r.failed(),
                    r.retried(), r.conserved() ? "yes (" + r.moneyAfter() + ")" : "NO: " + r.moneyBefore() + " before, " + r.moneyAfter() + " after"));
        return b.toString();
    }

    public static String json(List<BenchRow> rows, BenchSettings s, double[] loadAverage) {
        return json(rows, List.of(), s, loadAverage);
    }

    /** The JSON line with {@code "skipped":[..]}: the systems not run because what they need is not installed. */
    public static String json(List<BenchRow> rows, List<String> skipped, BenchSettings s, double[] loadAverage) {
        StringBuilder b = new StringBuilder("{\"rows\":[");
        for (int i = 0; i < rows.size(); i++) {
            BenchRow r = rows.get(i);
            if (i > 0) b.append(',');
            b.append(String.format(Locale.ROOT,
                    "{\"system\":%s,\"ops_per_s\":%.1f,\"latency_us_p50\":%.1f,\"latency_us_p99\":%.1f,\"measured\":%d,\"applied\":%d,"
                            + "\"refused\":%d,\"failed\":%d,\"retried\":%d,\"money_before\":%d,\"money_after\":%d,\"conserved\":%b",
                    quote(r.system()), r.opsPerSecond(), r.p50Micros(), r.p99Micros(), r.measured(), r.applied(), r.refused(), r.failed(),
                    r.retried(), r.moneyBefore(), r.moneyAfter(), r.conserved()));
            if (!r.cpuMicrosPerTransfer().isEmpty()) {
                b.append(",\"cpu_us_per_op\":{");
                int k = 0;
                for (var e : r.cpuMicrosPerTransfer().entrySet())
                    b.append(k++ > 0 ? "," : "").append(quote(e.getKey())).append(':').append(String.format(Locale.ROOT, "%.1f", e.getValue()));
                b.append('}');
            }
            if (!Double.isNaN(r.transfersPerBatch())) b.append(String.format(Locale.ROOT, ",\"transfers_per_batch\":%.1f", r.transfersPerBatch()));
            b.append('}');
        }
        b.append("],\"skipped\":[");
        for (int i = 0; i < skipped.size(); i++) b.append(i > 0 ? "," : "").append(quote(skipped.get(i)));
        b.append(String.format(Locale.ROOT, "],\"clients\":%d,\"accounts\":%d,\"warmup_s\":%.3f,\"measure_s\":%.3f,\"seed\":%d",
                s.clients(), s.accounts(), s.warmup().toNanos() / 1e9, s.measure().toNanos() / 1e9, s.seed()));
        if (loadAverage != null)
            b.append(String.format(Locale.ROOT, ",\"load_average\":[%.2f,%.2f,%.2f]", loadAverage[0], loadAverage[1], loadAverage[2]));
        return b.append('}').toString();
    }

    /** The 1, 5 and 15 minute load averages from /proc/loadavg, or null where there is none. */
    public static double[] loadAverage() {
        try {
            String[] f = Files.readString(Path.of("/proc/loadavg")).trim().split("\\s+");
            return new double[] {Double.parseDouble(f[0]), Double.parseDouble(f[1]), Double.parseDouble(f[2])};
        } catch (IOException | RuntimeException e) {
            return null;
        }
    }

    private static String quote(String s) {
        StringBuilder b = new StringBuilder("\"");
        for (char c : s.toCharArray()) {
            if (c == '"' || c == '\\') b.append('\\').append(c);
            else if (c < 0x20) b.append(String.format(Locale.ROOT, "\\u%04x", (int) c));
            else b.append(c);
        }
        return b.append('"').toString();
    }
}
