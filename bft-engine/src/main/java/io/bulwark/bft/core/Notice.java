package io.bulwark.bft.core;

/**
 * Something an operator should hear about, one line each (issue 15 item 4): the core records it
 * (pure: no logging in here) and the driver logs what {@link Replica#drainNotices} returns. Not
 * part of the protocol; a driver that does not drain them loses the oldest (the queue is bounded).
 */
public sealed interface Notice {
    /** The one line an operator reads (no replica id: the driver adds it). */
    String line();

    /** Non-null when the line is a warning rather than information (the driver logs it at WARN). */
    default String warning() { return null; }

    /** This replica left view {@code from} for {@code to} (sent its VIEW-CHANGE), because {@code why}. */
    record ViewChangeStarted(long from, long to, String why) implements Notice {
        @Override public String line() { return "view change " + from + " -> " + to + ": " + why; }
    }

    /**
     * The primary of {@code view} left it (a VIEW-CHANGE for a later view: it stepped down before
     * stopping, {@link Replica#stepDown}, or suspects itself); this replica suspects it at once.
     */
    record PrimaryAbdicated(long view, int primary) implements Notice {
        @Override public String line() {
            return "primary " + primary + " left view " + view + " (stepped down before a restart, or suspects itself): suspecting it now";
        }
    }

    /** The NEW-VIEW of {@code view} was installed (primary {@code primary}); the view starts at checkpoint {@code startSeq}. */
    record ViewInstalled(long view, int primary, long startSeq, boolean behind) implements Notice {
        @Override public String line() {
            return "view " + view + " installed (primary " + primary + ", from checkpoint " + startSeq + ")"
                    + (behind ? "; this replica is behind it and catches up" : "");
        }
    }

    /** f+1 AUTH-FAILUREs about {@code client} in {@code view}: its requests are ignored while {@code primary} is primary, for {@code forMs}. */
    record ClientQuarantined(int client, long view, int primary, int offences, long forMs) implements Notice {
        @Override public String line() {
            return "client " + client + " quarantined under primary " + primary + " for " + forMs + " ms (offence " + offences
                    + "): f+1 replicas could not authenticate its request in view " + view + "'s pre-prepare (big-MAC defence)";
        }
    }

    /** This replica's state is known bad ({@code why}): it executes nothing until a state transfer repairs it (a recovery). */
    record StateCorrupt(String why) implements Notice {
        @Override public String line() { return "state corrupt (" + why + "): executing nothing until a state transfer repairs it"; }
    }

    /** A state transfer towards checkpoint {@code target} began; this replica had executed up to {@code executed}. */
    record TransferStarted(long target, long executed, boolean repair) implements Notice {
        @Override public String line() {
            return "state transfer started towards checkpoint " + target + " (executed up to " + executed + (repair ? "; repairing a corrupt state" : "") + ")";
        }
    }

    /** Section 4.4: this replica does not trust its log (no journal to replay, or a recovery) and estimates H_M before it votes. */
    record EstimationStarted(long lastCheckpoint, long maxPrepared) implements Notice {
        @Override public String line() {
            return "estimating H_M (section 4.4; own last checkpoint " + lastCheckpoint + ", last prepared " + maxPrepared
                    + "): no votes until it is known, none above it until a stable checkpoint reaches it";
        }
    }

    /** H_M is {@code hm} (from c_M = {@code cm}); log entries above it were discarded. */
    record Estimated(long cm, long hm, int answers) implements Notice {
        @Override public String line() { return "estimated H_M = " + hm + " (c_M " + cm + ", " + answers + " replicas answered)"; }
    }

    /** The stable checkpoint reached H_M: the replica trusts its log again and votes on everything. */
    record Recovered(long hm, long stable) implements Notice {
        @Override public String line() { return "recovered: stable checkpoint " + stable + " reached H_M " + hm; }
    }

    /** Section 4.4: H_M is known and the recovery request (timestamp: the co-processor counter {@code counter}) went out. */
    record RecoveryRequested(long hm, long counter) implements Notice {
        @Override public String line() { return "recovery request sent (H_M " + hm + ", co-processor counter " + counter + ")"; }
    }

    /** 2f+1 replicas answered the recovery request ({@code status}), executed at {@code seq}: the recovery point is {@code point}. */
    record RecoveryPoint(String status, long seq, long hm, long point) implements Notice {
        @Override public String line() {
            return "recovery request " + status.toLowerCase(java.util.Locale.ROOT) + " at sequence number " + seq + ": recovery point H = " + point
                    + " (H_M " + hm + ")";
        }
    }

    /**
     * The checkpoint at the recovery point is stable: this replica is recovered, {@code tookMs} after
     * the recovery started: {@code estimationMs} to estimate H_M, {@code requestMs} for the recovery
     * request to be answered by 2f+1, {@code untilStableMs} for the state to be checked, fetched and
     * the checkpoint at H to become stable.
     */
    record RecoveryCompleted(long point, long stable, long tookMs, long estimationMs, long requestMs, long untilStableMs) implements Notice {
        @Override public String line() {
            return "recovery complete in " + tookMs + " ms (estimation " + estimationMs + " ms, recovery request " + requestMs
                    + " ms, state checked and checkpoint at H stable " + untilStableMs + " ms): stable checkpoint " + stable
                    + " reached the recovery point " + point;
        }
    }

    /** The co-processor's counter {@code counter} is not above {@code last}, this replica's last recovery request: estimation only. */
    record RecoveryWithoutRequest(long counter, long last) implements Notice {
        @Override public String warning() { return line(); }
        @Override public String line() {
            return "co-processor counter " + counter + " is not above this replica's last recovery request (" + last
                    + "; were the keys reinstalled?): the group would refuse it as a replay, so this recovery only estimates H_M";
        }
    }

    /** Replica {@code replica}'s recovery request executed at {@code seq}: it recovers until checkpoint {@code point} is stable; our keys were refreshed. */
    record PeerRecovering(int replica, long seq, long point) implements Notice {
        @Override public String line() { return "replica " + replica + " recovers (request at " + seq + ", recovery point " + point + "): keys refreshed"; }
    }

    /** Replica {@code replica} is recovered: the checkpoint at its recovery point is stable. */
    record PeerRecovered(int replica, long point, long tookMs) implements Notice {
        @Override public String line() { return "replica " + replica + " recovered in " + tookMs + " ms (checkpoint " + point + " stable)"; }
    }

    /** A recovery (ours, or replica {@code replica}'s) has lasted {@code forMs} without completing: possibly a denial-of-service (section 4.4). */
    record RecoverySlow(int replica, long forMs, long point) implements Notice {
        @Override public String warning() { return line(); }
        @Override public String line() {
            return "recovery of replica " + replica + " not complete after " + forMs + " ms (recovery point " + (point < 0 ? "not known yet" : point)
                    + "): slower than the alert bound; a denial-of-service may be slowing it down";
        }
    }
}
