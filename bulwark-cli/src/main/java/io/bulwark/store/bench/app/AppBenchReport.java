package io.bulwark.store.bench.app;

import java.util.List;
import java.util.Locale;

/**
 * The output of {@code bench app}: a table for people; one JSON line for scripts,
 * {@code {"rows":[{"system":..,"ops_per_s":..,"latency_ms_p50":..,"latency_ms_p99":..,...}],...}}, the required
 * fields first in each row, then the counts and the audit, then how the run was made and the load averages.
 */
public final class AppBenchReport {
    /** How the run was made. */
    public record Settings(String server, int clients, double warmupSeconds, double measureSeconds, long seed) {}

    private AppBenchReport() {}

    public static String table(List<AppRow> rows) {
        StringBuilder b = new StringBuilder();
        b.append(String.format(Locale.ROOT, "%-14s %10s %10s %10s %9s %8s %7s  %s%n", "system", "ops/s", "p50 (ms)", "p99 (ms)", "applied", "refused",
                "failed", "books balanced"));
        for (AppRow r : rows)
            b.append(String.format(Locale.ROOT, "%-14s %10.1f %10.2f %10.2f %9d %8d %7d  %s%n", r.system(), r.opsPerSecond(), r.p50Millis(),
                    r.p99Millis(), r.applied(), r.refused(), r.failed(), r.conserved() ? "yes" : "NO"));
        return b.toString();
    }

    public static String json(List<AppRow> rows, Settings s, double[] loadBefore, double[] loadAfter) {
        StringBuilder b = new StringBuilder("{\"rows\":[");
        for (int i = 0; i < rows.size(); i++) {
            AppRow r = rows.get(i);
            if (i > 0) b.append(',');
            b.append(String.format(Locale.ROOT, "{\"system\":%s,\"ops_per_s\":%.1f,\"latency_ms_p50\":%.3f,\"latency_ms_p99\":%.3f,"
                            + "\"applied\":%d,\"refused\":%d,\"failed\":%d,\"conserved\":%b}",
                    quote(r.system()), r.opsPerSecond(), r.p50Millis(), r.p99Millis(), r.applied(), r.refused(), r.failed(), r.conserved()));
        }
        b.append(String.format(Locale.ROOT, "],\"server\":%s,\"clients\":%d,\"warmup_s\":%.3f,\"measure_s\":%.3f,\"seed\":%d",
                quote(s.server()), s.clients(), s.warmupSeconds(), s.measureSeconds(), s.seed()));
        if (loadBefore != null) b.append(",\"load_average_before\":").append(load(loadBefore));
        if (loadAfter != null) b.append(",\"load_average_after\":").append(load(loadAfter));
        return b.append('}').toString();
    }

    private static String load(double[] l) { return String.format(Locale.ROOT, "[%.2f,%.2f,%.2f]", l[0], l[1], l[2]); }

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
