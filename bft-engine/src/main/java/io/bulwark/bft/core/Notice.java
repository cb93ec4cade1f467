package io.bulwark.bft.core;

/**
 * Something an operator should hear about, one line each (issue 15 item 4): the core records it
 * (pure: no logging in here) and the driver logs what {@link Replica#drainNotices} returns. Not
 * part of the protocol; a driver that does not drain them loses the oldest (the queue is bounded).
 */
public sealed interface Notice {
    /** The one line an operator reads (no replica id: the driver adds it). */
    String line();

    /** This replica left view {@code from} for {@code to} (sent its VIEW-CHANGE), because {@code why}. */
    record ViewChangeStarted(long from, long to, String why) implements Notice {
        @Override public String line() { return "view change " + from + " -> " + to + ": " + why; }
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
}
