package io.bulwark.store.bench.app;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

class AppBenchReportTest {
    @Test
    void theJsonLineStartsEachRowWithTheRequiredFields() {
        List<AppRow> rows = List.of(new AppRow("bft", 12.5, 3.25, 9.5, 100, 2, 0, true, null),
                new AppRow("unreplicated", 40, 1, 2, 400, 0, 1, true, "load1: HTTP 500"));
        String json = AppBenchReport.json(rows, new AppBenchReport.Settings("WildFly", 4, 3, 5, 1), new double[] {1, 2, 3}, null);
        assertTrue(json.startsWith("{\"rows\":[{\"system\":\"bft\",\"ops_per_s\":12.5,\"latency_ms_p50\":3.250,\"latency_ms_p99\":9.500,"), json);
        assertTrue(json.contains("{\"system\":\"unreplicated\",\"ops_per_s\":40.0,\"latency_ms_p50\":1.000,\"latency_ms_p99\":2.000,"), json);
        assertTrue(json.contains("\"load_average_before\":[1.00,2.00,3.00]") && !json.contains("load_average_after"), json);
        assertTrue(json.endsWith("}") && !json.contains("\n"), "one line");
        assertTrue(AppBenchReport.table(rows).lines().count() == 3);
    }

    @Test
    void percentilesAreNearestRank() {
        long[] ms = new long[100];
        for (int i = 0; i < 100; i++) ms[i] = (i + 1) * 1_000_000L;   // 1..100 ms
        assertEquals(50.0, AppRow.percentileMillis(ms, 50));
        assertEquals(99.0, AppRow.percentileMillis(ms, 99));
        assertEquals(7.0, AppRow.percentileMillis(new long[] {7_000_000L}, 99));
        assertEquals(0.0, AppRow.percentileMillis(new long[0], 50));
    }
}
