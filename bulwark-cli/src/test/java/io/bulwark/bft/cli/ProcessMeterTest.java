package io.bulwark.bft.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

class ProcessMeterTest {
    @Test
    void aWindowIsTheDifferenceAndAnUnknownSideStaysUnknown() {
        List<ProcessMeter.Usage> from = List.of(new ProcessMeter.Usage(1_000, 10, 20), new ProcessMeter.Usage(-1, 5, 5));
        List<ProcessMeter.Usage> to = List.of(new ProcessMeter.Usage(4_000, 15, 27), new ProcessMeter.Usage(9_000, 8, -1));
        List<ProcessMeter.Usage> d = ProcessMeter.delta(from, to);
        assertEquals(new ProcessMeter.Usage(3_000, 5, 7), d.get(0));
        assertEquals(new ProcessMeter.Usage(-1, 3, -1), d.get(1));
    }

    @Test
    void perCallFiguresDivideByTheMeasuredCallsAndAreNaNWhereUnknown() {
        ClosedLoopRun.Result r = new ClosedLoopRun.Result(1, 10, 1, 2, 4,
                List.of(new ProcessMeter.Usage(8_000, 6, 6), new ProcessMeter.Usage(-1, -1, 2)), new long[] {2, -1, 0});
        assertEquals(2.0, r.cpuMicrosPerOp(0));
        assertEquals(2.0, r.opsPerCount(0), "4 calls in 2 batches");
        assertTrue(Double.isNaN(r.opsPerCount(1)), "a counter that could not be read");
        assertTrue(Double.isNaN(r.opsPerCount(2)), "no batch in the window");
        assertTrue(Double.isNaN(r.opsPerCount(3)), "a counter not metered");
        assertEquals(3.0, r.syscallsPerOp(0));
        assertTrue(Double.isNaN(r.cpuMicrosPerOp(1)));
        assertTrue(Double.isNaN(r.syscallsPerOp(1)));
        assertTrue(Double.isNaN(r.cpuMicrosPerOp(2)), "a process not metered");
    }

    @Test
    void countersAreReadWithTheProcessesAndAFailingOneIsUnknown() {
        long[] next = {41};
        ProcessMeter m = new ProcessMeter().count("batches", () -> next[0]++).count("broken", () -> { throw new IllegalStateException("no answer"); });
        assertEquals(List.of("batches", "broken"), m.counterNames());
        long[] first = m.sampleCounters(), second = m.sampleCounters();
        assertEquals(41, first[0]);
        assertEquals(42, second[0]);
        assertEquals(-1, first[1]);
    }

    @Test
    void thisProcessIsMeteredOnLinux() {
        List<ProcessMeter.Usage> u = new ProcessMeter().add("self", ProcessHandle.current()).sample();
        assertEquals(1, u.size());
        if (System.getProperty("os.name").toLowerCase().contains("linux")) {
            assertTrue(u.get(0).cpuNanos() > 0, "this JVM has used CPU");
            assertTrue(u.get(0).readCalls() > 0, "this JVM has read its class path");
        }
    }
}
