package io.bulwark.bft.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

/** The replica under {@code --watchdog} runs with the monitor's JVM options (it ran with the JVM's defaults before). */
class RecoveryMonitorOptionsTest {
    @Test
    void theReplicaGetsTheMonitorsHeapCollectorAndPropertiesButNotItsAgentsOrRecordings() {
        List<String> monitor = List.of("-Xmx512m", "-XX:+UseSerialGC", "-Dbulwark.warmupRecords=0",
                "-agentlib:jdwp=transport=dt_socket,server=y,address=5005", "-javaagent:/x/agent.jar",
                "-XX:StartFlightRecording=filename=m.jfr", "-agentpath:/x/libasyncProfiler.so=start");
        assertEquals(List.of("-Xmx512m", "-XX:+UseSerialGC", "-Dbulwark.warmupRecords=0"), RecoveryMonitor.childJvmOptions(monitor));
    }

    @Test
    void theChildCommandCarriesThisJvmsOptionsBeforeTheClassPath() {
        List<String> cmd = RecoveryMonitor.childCommand(List.of("--config", "c", "--id", "0"));
        List<String> mine = RecoveryMonitor.childJvmOptions(java.lang.management.ManagementFactory.getRuntimeMXBean().getInputArguments());
        assertEquals(mine, cmd.subList(1, 1 + mine.size()));
        assertEquals("-cp", cmd.get(1 + mine.size()));
        assertTrue(cmd.containsAll(List.of("replica", "--config", "c", "--id", "0", "--supervised")), cmd.toString());
    }
}
