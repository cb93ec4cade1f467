package io.bulwark.bft.cli;

import io.bulwark.bft.node.BftClient;
import java.time.Duration;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * What each durable replica of a bench's group did with its journal over its life (issue 16 item 4), asked
 * through the protocol (STATUS-QUERY): the entries it wrote, the group commits its loop asked for, and the
 * fsyncs its sync thread ran, each per batch it executed. Fewer fsyncs than commits is group commit at work.
 */
public final class JournalCounts {
    private JournalCounts() {}

    /** One line's worth: " r0 3.1 entries, 2.4 syncs asked, 1.9 fsyncs per batch (of N); r1 ...". */
    public static String askedBy(BftClient asker, int replicas) {
        StringBuilder b = new StringBuilder();
        for (int j = 0; j < replicas; j++) {
            try {
                var report = asker.status(j, Duration.ofSeconds(5)).get(10, TimeUnit.SECONDS);
                Map<String, Long> c = new HashMap<>();
                for (var counter : report.counters()) c.put(counter.name(), counter.value());
                double batches = Math.max(1, report.lastExecuted());
                b.append(String.format(Locale.ROOT, " r%d %.2f entries, %.2f syncs asked, %.2f fsyncs per batch (of %d);", j,
                        c.getOrDefault("journal_entries", 0L) / batches, c.getOrDefault("journal_syncs", 0L) / batches,
                        c.getOrDefault("journal_forces", 0L) / batches, report.lastExecuted()));
            } catch (Exception e) {
                b.append(" r").append(j).append(" unknown (").append(e.getClass().getSimpleName()).append(");");
            }
        }
        return b.toString();
    }
}
