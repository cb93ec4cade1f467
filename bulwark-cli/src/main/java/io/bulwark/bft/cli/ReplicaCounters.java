package io.bulwark.bft.cli;

import io.bulwark.bft.msg.StatusReport;
import io.bulwark.bft.node.BftClient;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Asks every replica of a bench's group for its STATUS-REPORT and writes one part of a line per replica,
 * " r0 ...; r1 ...;", from its report and its counters by name; " rN unknown (...)" for one that does not answer.
 */
final class ReplicaCounters {
    private ReplicaCounters() {}

    /** What one replica's part says, from its report and its counters by name. */
    interface Part {
        String of(StatusReport report, Map<String, Long> counters);
    }

    static String askedBy(BftClient asker, int replicas, Part part) {
        StringBuilder b = new StringBuilder();
        for (int j = 0; j < replicas; j++) {
            try {
                StatusReport report = asker.status(j, Duration.ofSeconds(5)).get(10, TimeUnit.SECONDS);
                Map<String, Long> c = new HashMap<>();
                for (var counter : report.counters()) c.put(counter.name(), counter.value());
                b.append(" r").append(j).append(' ').append(part.of(report, c)).append(';');
            } catch (Exception e) {
                b.append(" r").append(j).append(" unknown (").append(e.getClass().getSimpleName()).append(");");
            }
        }
        return b.toString();
    }
}
