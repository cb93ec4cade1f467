package io.bulwark.bft.sim;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.bulwark.bft.sim.adversary.Adversary;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/**
 * Seeds run in parallel must give exactly what they give one at a time: the same summary (but the wall time)
 * and the same log, line for line. A simulator with hidden shared state (a static cache, a shared random
 * source) would make some seed's outcome depend on its neighbour and fail this.
 */
class CampaignThreadsTest {
    @Test
    void threeThreadsGiveTheSummaryAndLogOfOne() {
        Run one = run(1), three = run(3);
        assertTrue(one.summary.requestsCommitted() > 0, "the campaign committed nothing");
        assertEquals(withoutWallTime(one.summary.json()), withoutWallTime(three.summary.json()));
        assertEquals(one.log, three.log);
    }

    private record Run(Campaign.Summary summary, String log) {}

    private static Run run(int threads) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        PrintStream log = new PrintStream(bytes, true, StandardCharsets.UTF_8);
        // 12 seeds drawing from every adversary, f = 1 and 2 in turn, authenticated frames: as `bulwark sim` runs them.
        Campaign.Summary s = Campaign.run(40, 12, new int[] {1, 2}, 300, 6, true, Adversary.parse("all"),
                Double.NaN, Double.NaN, true, 0, false, threads, log);
        return new Run(s, bytes.toString(StandardCharsets.UTF_8));
    }

    private static String withoutWallTime(String json) {
        return json.replaceAll("\"wall_s\":[0-9.]+,\"requests_per_s\":[0-9]+,", "");
    }
}
