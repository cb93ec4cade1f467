package io.bulwark.bft.cli;

import io.bulwark.bft.node.BftClient;
import java.util.Locale;

/**
 * What each durable replica of a bench's group did with its journal over its life (issue 16 item 4), asked
 * through the protocol (STATUS-QUERY): the entries it wrote, the group commits its loop asked for, and the
 * fsyncs its sync thread ran, each per batch it executed. Fewer fsyncs than commits is group commit at work.
 */
public final class JournalCounts {
    private JournalCounts() {}

    /** One line's worth: " r0 3.00 entries, 2.05 syncs asked, 1.44 fsyncs per batch (of N); r1 ...". */
    public static String askedBy(BftClient asker, int replicas) {
        return ReplicaCounters.askedBy(asker, replicas, (report, c) -> {
            double batches = Math.max(1, report.lastExecuted());
            return String.format(Locale.ROOT, "%.2f entries, %.2f syncs asked, %.2f fsyncs per batch (of %d)",
                    c.getOrDefault("journal_entries", 0L) / batches, c.getOrDefault("journal_syncs", 0L) / batches,
                    c.getOrDefault("journal_forces", 0L) / batches, report.lastExecuted());
        });
    }
}
