package io.bulwark.store.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

class BenchReportTest {

    @Test
    void jsonHasTheRequiredFieldsFirstThenCountsAndSettings() {
        BenchRow r = new BenchRow("bft", 1234.56, 812.04, 4000.5, 100, 90, 10, 0, 3, 5000, 5000, null);
        BenchRow h = new BenchRow("hibernate-h2", 10, 1, 2, 1, 1, 0, 0, 0, 5000, 4999, null);
        BenchSettings s = new BenchSettings(16, 50, 100, 10, 7, Duration.ofSeconds(1), Duration.ofMillis(2500));
        String json = BenchReport.json(List.of(r, h), s, new double[] {1.5, 2, 3.25});
        assertEquals("{\"rows\":["
                + "{\"system\":\"bft\",\"ops_per_s\":1234.6,\"latency_us_p50\":812.0,\"latency_us_p99\":4000.5,\"measured\":100,\"applied\":90,"
                + "\"refused\":10,\"failed\":0,\"retried\":3,\"money_before\":5000,\"money_after\":5000,\"conserved\":true},"
                + "{\"system\":\"hibernate-h2\",\"ops_per_s\":10.0,\"latency_us_p50\":1.0,\"latency_us_p99\":2.0,\"measured\":1,\"applied\":1,"
                + "\"refused\":0,\"failed\":0,\"retried\":0,\"money_before\":5000,\"money_after\":4999,\"conserved\":false}],"
                + "\"skipped\":[],\"clients\":16,\"accounts\":50,\"warmup_s\":1.000,\"measure_s\":2.500,\"seed\":7,\"load_average\":[1.50,2.00,3.25]}", json);
        assertTrue(BenchReport.table(List.of(r, h)).contains("NO: 5000 before, 4999 after"));
    }

    @Test
    void jsonGivesCpuAndTransfersPerBatchWhereKnown() {
        BenchRow r = new BenchRow("bft", 1, 1, 1, 1, 1, 0, 0, 0, 10, 10, null, java.util.Map.of("r0", 201.25), 2.94);
        BenchSettings s = new BenchSettings(2, 20, 100, 10, 1, Duration.ofSeconds(1), Duration.ofSeconds(2));
        String json = BenchReport.json(List.of(r), s, null);
        assertTrue(json.contains("\"conserved\":true,\"cpu_us_per_op\":{\"r0\":201.3},\"transfers_per_batch\":2.9}"), json);
    }

    @Test
    void jsonNamesTheSkippedSystems() {
        BenchRow r = new BenchRow("bft", 1, 1, 1, 1, 1, 0, 0, 0, 10, 10, null);
        BenchSettings s = new BenchSettings(2, 20, 100, 10, 1, Duration.ofSeconds(1), Duration.ofSeconds(2));
        String json = BenchReport.json(List.of(r), List.of("hibernate-postgresql", "etcd"), s, null);
        assertTrue(json.contains("\"conserved\":true}],\"skipped\":[\"hibernate-postgresql\",\"etcd\"],\"clients\":2,"), json);
    }

    @Test
    void percentilesOfSortedSamples() {
        long[] ns = new long[100];
        for (int i = 0; i < ns.length; i++) ns[i] = (i + 1) * 1000L;
        assertEquals(50.0, ClosedLoopBench.percentileMicros(ns, 0.50));
        assertEquals(99.0, ClosedLoopBench.percentileMicros(ns, 0.99));
        assertEquals(0.0, ClosedLoopBench.percentileMicros(new long[0], 0.5));
    }
}
