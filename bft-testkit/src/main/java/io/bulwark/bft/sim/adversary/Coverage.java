package io.bulwark.bft.sim.adversary;

import java.util.Collections;
import java.util.EnumMap;
import java.util.Map;

/**
 * What the adversaries of one run actually did, not where they were placed: per adversary, how many
 * times it acted in a way that could matter (a lie, an equivocation, a forgery, a replay, a dropped
 * or delayed message, a wrong answer...). Adversaries report through their context's
 * {@code acted(Adversary)} ({@link ReplicaContext}, {@link NetworkTap.TapContext}, {@link ClientPort});
 * the simulator owns one of these per run and a campaign fails when a main adversary never acted in
 * any seed it was main in.
 */
public final class Coverage {
    private final EnumMap<Adversary, Long> acted = new EnumMap<>(Adversary.class);

    /** One action of {@code a} that could matter. */
    public void acted(Adversary a) { acted.merge(a, 1L, Long::sum); }

    /** {@code times} actions at once (for faults the simulator itself brings about, counted at the end). */
    public void acted(Adversary a, long times) { if (times > 0) acted.merge(a, times, Long::sum); }

    public long count(Adversary a) { return acted.getOrDefault(a, 0L); }

    /** A copy: the adversaries that acted, with their counts (in declaration order). */
    public Map<Adversary, Long> counts() { return Collections.unmodifiableMap(new EnumMap<>(acted)); }
}
