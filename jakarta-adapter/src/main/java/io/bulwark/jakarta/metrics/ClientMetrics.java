package io.bulwark.jakarta.metrics;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tag;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.composite.CompositeMeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Collectors;

/**
 * A client's metrics in Micrometer: every call of a proxy (a replicated operation or a repository method) is timed in
 * {@value #REQUESTS}, tagged by contract, method, kind ({@code read-only} or {@code read-write}) and outcome:
 * <ul>
 * <li>{@code ok}: the certified result;</li>
 * <li>{@code unavailable}: no certified answer in time ({@code GroupUnavailableException}: the engine retransmitted
 * until the timeout; the operation may or may not have run);</li>
 * <li>{@code failed}: any other exception: the failure the replicas agreed on (the operation ran, or they refused it),
 * or a call this client refused before sending it (a malformed call, a bound exceeded).</li>
 * </ul>
 * {@value #VIEW} is the view of the replies' certificates this client last saw, {@value #VIEW_CHANGES} counts the
 * times it went up (section 2.3 of the paper: a new primary). The engine does not expose its retransmission count, so
 * retransmissions show only as latency and, when they run out, as {@code unavailable}.
 * <p>
 * The registry is a composite holding a {@link SimpleMeterRegistry} (so {@link #scrape} always has the values); add the
 * application's own registry (Prometheus, OTLP, ...) with {@code registry().add(...)}.
 */
public final class ClientMetrics {
    public static final String REQUESTS = "bulwark.client.requests";
    public static final String VIEW = "bulwark.client.view";
    public static final String VIEW_CHANGES = "bulwark.client.view.changes";

    /** How a call ended (the {@code outcome} tag). */
    public enum Outcome {
        OK, FAILED, UNAVAILABLE;

        public String tag() { return name().toLowerCase(Locale.ROOT); }
    }

    private final CompositeMeterRegistry registry = new CompositeMeterRegistry();
    private final AtomicLong view = new AtomicLong();
    private final Counter viewChanges;

    public ClientMetrics() {
        registry.add(new SimpleMeterRegistry());
        registry.gauge(VIEW, view);
        viewChanges = Counter.builder(VIEW_CHANGES).description("times the view of this client's reply certificates went up").register(registry);
    }

    /** The registry the meters live in (add an application's registry to it to export them elsewhere). */
    public CompositeMeterRegistry registry() { return registry; }

    /** Records one call that took {@code nanos}. */
    public void record(String contract, String method, boolean readOnly, Outcome outcome, long nanos) {
        Timer.builder(REQUESTS).description("calls of replicated operations and repository methods")
                .tags("contract", contract, "method", method, "kind", readOnly ? "read-only" : "read-write", "outcome", outcome.tag())
                .register(registry).record(nanos, TimeUnit.NANOSECONDS);
    }

    /** Notes the view this client believes current (after a call); counts a change when it went up. */
    public void viewSeen(long current) {
        long before = view.getAndAccumulate(current, Math::max);
        if (current > before) viewChanges.increment();
    }

    /**
     * The meters as text, one line per value, in the Prometheus text format's shape ({@code name{tag="v",...} value},
     * names with {@code _}; timers as {@code _count}, {@code _sum} and {@code _max} in seconds), sorted, for the
     * application's endpoint (a JAX-RS resource or servlet of a few lines: see the README).
     */
    public String scrape() {
        StringBuilder out = new StringBuilder();
        List<Meter> meters = registry.getMeters().stream()
                .sorted(Comparator.comparing((Meter m) -> m.getId().getName()).thenComparing(m -> tags(m.getId().getTags())))
                .toList();
        for (Meter m : meters) {
            String name = m.getId().getName().replace('.', '_'), tags = tags(m.getId().getTags());
            if (m instanceof Timer t) {
                line(out, name + "_seconds_count", tags, t.count());
                line(out, name + "_seconds_sum", tags, t.totalTime(TimeUnit.SECONDS));
                line(out, name + "_seconds_max", tags, t.max(TimeUnit.SECONDS));
            } else if (m instanceof Counter c) {
                line(out, name + "_total", tags, c.count());
            } else {
                m.measure().forEach(ms -> line(out, name, tags, ms.getValue()));
            }
        }
        return out.toString();
    }

    private static String tags(List<Tag> tags) {
        if (tags.isEmpty()) return "";
        return tags.stream().map(t -> t.getKey() + "=\"" + escape(t.getValue()) + "\"").collect(Collectors.joining(",", "{", "}"));
    }

    private static String escape(String v) { return v.replace("\\", "\\\\").replace("\"", "\\\"").replace("\n", "\\n"); }

    private static void line(StringBuilder out, String name, String tags, double value) {
        out.append(name).append(tags).append(' ');
        if (value == Math.rint(value) && !Double.isInfinite(value)) out.append((long) value);
        else out.append(value);
        out.append('\n');
    }
}
