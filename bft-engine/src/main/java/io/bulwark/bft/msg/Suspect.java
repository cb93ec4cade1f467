package io.bulwark.bft.msg;

/**
 * SUSPECT: replica {@code replica} timed out waiting on the primary of {@code view} (a request not
 * ordered or not executed in time, [6]) and says so, while it goes on taking part in that view.
 * A replica that hears f+1 replicas suspect the view suspects it too, and leaves it (sends its
 * VIEW-CHANGE) once 2f+1 do, f+1 of them correct: a correct replica whose suspicion is not shared
 * (a request of its was ordered late, it was stopped for a while) is never left alone in the next
 * view while the group stays in this one (issue 15 item 3; BFT-SMaRt's STOP plays the same part;
 * see core/ViewChanges#suspect). Type code 19.
 */
public record Suspect(long view, int replica) implements Message {
}
