package io.bulwark.bft.cli;

import io.bulwark.bft.node.BftClient;
import java.time.Duration;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;

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
        StringBuilder b = new StringBuilder();
        for (int j = 0; j < replicas; j++) {
            try {
                var report = asker.status(j, Duration.ofSeconds(5)).get(10, TimeUnit.SECONDS);
                Map<String, Long> c = new HashMap<>();
                for (var counter : report.counters()) c.put(counter.name(), counter.value());
                b.append(String.format(Locale.ROOT, " r%d named %d in %d pre-prepares, waited %d, fetched %d;", j,
                        c.getOrDefault("requests_by_digest", 0L), c.getOrDefault("pre_prepares_by_digest", 0L),
                        c.getOrDefault("pre_prepares_awaited_requests", 0L), c.getOrDefault("pre_prepares_fetched_body", 0L)));
            } catch (Exception e) {
                b.append(" r").append(j).append(" unknown (").append(e.getClass().getSimpleName()).append(");");
            }
        }
        return b.toString();
    }
}
