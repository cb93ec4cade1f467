package io.bulwark.bft.sim;

import io.bulwark.bft.core.LogEntry;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/**
 * A replica's journal in the simulator: the disk, which outlives the replica's crashes (issue 12
 * items 1 and 6). Entries appended by the core's {@code Persist} actions become durable only when a
 * simulated fsync completes; a crash keeps the durable ones and, of those written but not yet
 * synced, a prefix of any length — what a power loss leaves of a write in flight once the real
 * journal's checksums have cut its torn tail. Entries are numbered from the first ever appended.
 */
final class SimJournal {
    /** Durable entries, numbered from {@link #first}. */
    private final ArrayDeque<LogEntry> durable = new ArrayDeque<>();
    private final ArrayDeque<LogEntry> unsynced = new ArrayDeque<>();
    private long first, durableEnd, appendedEnd;
    /** A compaction under way: entries before {@code compactAt} go once everything up to {@code compactDurableAt} is durable. */
    private long compactAt = -1, compactDurableAt;
    long crashesWithUnsynced, tornEntries, compactions;
    /** Committed records (LogEntry.Committed) lost at crashes: written, then lost with the unsynced tail. */
    long committedLost;
    /** Pre-prepared records lost at crashes (a backup's PREPARE may have left before its record was durable). */
    long prePreparedLost;

    void append(LogEntry e) {
        unsynced.add(e);
        appendedEnd++;
    }

    /** The number one past the last durable entry. */
    long durableEnd() { return durableEnd; }

    /** The number one past the last entry appended: what an fsync started now covers. */
    long appendedEnd() { return appendedEnd; }

    /** An fsync that covered every entry before {@code end} completed. */
    void synced(long end) {
        while (durableEnd < end && !unsynced.isEmpty()) {
            durable.add(unsynced.poll());
            durableEnd++;
        }
        if (compactAt >= 0 && durableEnd >= compactDurableAt) {
            while (first < compactAt) {
                durable.poll();
                first++;
            }
            compactAt = -1;
            compactions++;
        }
    }

    /**
     * Writes {@code image} (what the replica needs to be where it is, above its saved state) and,
     * once it is durable, drops everything written before it — as the node deletes old segments.
     */
    void compact(List<LogEntry> image) {
        if (compactAt >= 0) return;
        long at = appendedEnd;
        for (LogEntry e : image) append(e);
        compactAt = at;
        compactDurableAt = appendedEnd;
    }

    /** Power loss: the unsynced entries are lost but for a prefix of any length. */
    void crash(SplittableRandom rnd) {
        if (!unsynced.isEmpty()) {
            crashesWithUnsynced++;
            int keep = rnd.nextInt(unsynced.size() + 1);
            tornEntries += unsynced.size() - keep;
            int i = 0;
            for (LogEntry e : unsynced) {
                if (i++ < keep) continue;
                if (e instanceof LogEntry.Committed) committedLost++;
                if (e instanceof LogEntry.PrePrepared) prePreparedLost++;
            }
            synced(durableEnd + keep);
        }
        unsynced.clear();
        appendedEnd = durableEnd;
        if (compactAt >= 0 && compactDurableAt > durableEnd) compactAt = -1;   // the image did not make it
    }

    /** The disk is replaced: nothing on it survives. */
    void lose() {
        first = durableEnd = appendedEnd = 0;
        durable.clear();
        unsynced.clear();
        compactAt = -1;
    }

    /** What a restart replays, in order. */
    List<LogEntry> durableEntries() { return new ArrayList<>(durable); }

    int size() { return durable.size() + unsynced.size(); }
}
