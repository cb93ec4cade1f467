package io.bulwark.bft.msg;

import java.util.List;

/**
 * STATUS-REPORT: replica {@code replica}'s answer to client {@code client}'s {@link StatusQuery}
 * with the same {@code nonce}: its view (installed, or being changed to), whether it is fetching
 * state or knows its state is corrupt, the last sequence number executed, its stable checkpoint,
 * the view changes it started, the state transfers it completed and the pages they fetched, and
 * its non-zero counters by name (at most {@link MessageCodec#STATUS_REPORT_MAX_COUNTERS}, names of
 * at most {@link MessageCodec#STATUS_REPORT_MAX_NAME} ASCII letters, digits, '_' and '.'). A replica
 * speaks for itself only: nothing here is certified by others. Type code 22.
 */
public record StatusReport(int replica, int client, long nonce, long view, boolean viewActive, boolean transferring,
                           boolean corrupt, long lastExecuted, long stableSeq, long viewChangesStarted,
                           long transfersCompleted, long pagesTransferred, List<Counter> counters) implements Message {

    /** One counter: its name ({@code ignored.WRONG_VIEW}, {@code rejected.BAD_MAC}, ...) and value. */
    public record Counter(String name, long value) {}

    public StatusReport {
        counters = List.copyOf(counters);
    }
}
