package io.bulwark.bft.testkit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

class ReplicaProcessesTest {
    @Test
    void childrenGetTheDefaultsFirstAndTheCallersOptionsLastWithTheirIdFilledIn() {
        List<String> opts = ReplicaProcesses.childJvmOptions(List.of("-Xmx1g", "-XX:StartFlightRecording=filename=/tmp/r{id}.jfr"), "2");
        assertEquals(List.of("-Xms256m", "-XX:+UseSerialGC"), opts.subList(0, 2));
        assertEquals(List.of("-Xmx1g", "-XX:StartFlightRecording=filename=/tmp/r2.jfr"), opts.subList(opts.size() - 2, opts.size()));
        String env = System.getenv(ReplicaProcesses.CHILD_JVM_OPTIONS_ENV);
        if (env == null || env.isBlank()) assertEquals(4, opts.size(), "nothing from an unset environment");
        assertTrue(opts.stream().noneMatch(o -> o.contains("{id}")));
    }
}
