package io.bulwark.bft.sim;

import java.util.Map;
import java.util.TreeMap;

/**
 * What the compromised-replica adversary ({@link Compromise}) came to in a run, summed over a
 * campaign by {@link #plus}. {@code windows}: replicas the adversary took in turn; {@code reboots}:
 * watchdog reboots of them; {@code recovered}: of those, recoveries that completed (section 4.4);
 * {@code healed}: of those, replicas found correct again (every page at rest matches its digest and
 * the group's state digest at the stable checkpoint). {@code sentUnderOldKeys}: messages the
 * adversary sent with a stolen process's keys; of those that arrived after the receiver replaced the
 * key ({@code deliveredAfterReplacement}), {@code acceptedAfterReplacement} (each a safety violation)
 * and the rejected ones by reason; before the replacement, what was accepted or rejected (the
 * replica is still faulty then, as the paper's window of vulnerability says). {@code forgedRecoveryRequests}:
 * recovery requests forged in a victim's name (no co-processor signature) that passed a correct
 * replica's frame layer (its keys not yet replaced); {@code forgedRecoveryRequestsRefused}: of those,
 * refused by its core (section 4.4; any other outcome is a safety violation).
 */
public record CompromiseReport(long windows, long reboots, long recovered, long healed, long sentUnderOldKeys, long deliveredAfterReplacement,
              long acceptedAfterReplacement, Map<String, Long> rejectedAfterReplacement, long acceptedBeforeReplacement,
              long rejectedBeforeReplacement, long clientKeyRefreshes, long seedsWithMoreThanF, long forgedRecoveryRequests,
              long forgedRecoveryRequestsRefused) {
    public static final CompromiseReport NONE = new CompromiseReport(0, 0, 0, 0, 0, 0, 0, Map.of(), 0, 0, 0, 0, 0, 0);

    public CompromiseReport plus(CompromiseReport o) {
        Map<String, Long> r = new TreeMap<>(rejectedAfterReplacement);
        o.rejectedAfterReplacement.forEach((k, v) -> r.merge(k, v, Long::sum));
        return new CompromiseReport(windows + o.windows, reboots + o.reboots, recovered + o.recovered, healed + o.healed,
                sentUnderOldKeys + o.sentUnderOldKeys, deliveredAfterReplacement + o.deliveredAfterReplacement,
                acceptedAfterReplacement + o.acceptedAfterReplacement, Map.copyOf(r), acceptedBeforeReplacement + o.acceptedBeforeReplacement,
                rejectedBeforeReplacement + o.rejectedBeforeReplacement, clientKeyRefreshes + o.clientKeyRefreshes,
                seedsWithMoreThanF + o.seedsWithMoreThanF, forgedRecoveryRequests + o.forgedRecoveryRequests,
                forgedRecoveryRequestsRefused + o.forgedRecoveryRequestsRefused);
    }

    public long rejectedAfterReplacementTotal() {
        long t = 0;
        for (long v : rejectedAfterReplacement.values()) t += v;
        return t;
    }

    public String json() {
        StringBuilder reasons = new StringBuilder("{");
        rejectedAfterReplacement.forEach((k, v) -> reasons.append(reasons.length() > 1 ? "," : "").append('"').append(k).append("\":").append(v));
        reasons.append('}');
        return "{\"windows\":" + windows + ",\"seeds_more_than_f_compromised\":" + seedsWithMoreThanF + ",\"reboots\":" + reboots
                + ",\"recovered\":" + recovered + ",\"healed\":" + healed + ",\"sent_under_old_keys\":" + sentUnderOldKeys
                + ",\"delivered_after_replacement\":" + deliveredAfterReplacement + ",\"accepted_after_replacement\":" + acceptedAfterReplacement
                + ",\"rejected_after_replacement\":" + reasons + ",\"accepted_before_replacement\":" + acceptedBeforeReplacement
                + ",\"rejected_before_replacement\":" + rejectedBeforeReplacement + ",\"client_key_refreshes\":" + clientKeyRefreshes
                + ",\"forged_recovery_requests\":" + forgedRecoveryRequests + ",\"forged_recovery_requests_refused\":" + forgedRecoveryRequestsRefused + "}";
    }
}
