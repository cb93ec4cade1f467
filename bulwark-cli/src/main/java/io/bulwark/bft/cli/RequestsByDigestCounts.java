package io.bulwark.bft.cli;

import io.bulwark.bft.node.BftClient;
import java.util.Locale;

/**
 * What each replica of a bench's group counted of requests by digest (issue 16 item 2) over its life,
 * asked through the protocol (STATUS-QUERY): as primary, the requests it named by digest; as backup,
 * the pre-prepares that waited for a named request (its client's copy came after the pre-prepare) and
 * those completed by the whole batch instead (fetched by digest, or the primary's whole pre-prepare).
 */
public final class RequestsByDigestCounts {
    private RequestsByDigestCounts() {}

    /** One line's worth: " r0 named N in M pre-prepares, waited N, fetched N; r1 ...". */
    public static String askedBy(BftClient asker, int replicas) {
        return ReplicaCounters.askedBy(asker, replicas, (report, c) -> String.format(Locale.ROOT, "named %d in %d pre-prepares, waited %d, fetched %d",
                c.getOrDefault("requests_by_digest", 0L), c.getOrDefault("pre_prepares_by_digest", 0L),
                c.getOrDefault("pre_prepares_awaited_requests", 0L), c.getOrDefault("pre_prepares_fetched_body", 0L)));
    }
}
