package io.bulwark.bft.sim;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.bulwark.bft.service.PagedState;
import io.bulwark.bft.service.Service;
import io.bulwark.bft.sim.adversary.Adversary;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * The simulator with a workload of its own: a counter service whose clients add amounts. Exactly-once
 * execution means the final counter is the sum of every amount sent, and each result is a running
 * total no smaller than the amount just added; both oracles belong to the workload, not the engine.
 */
class WorkloadTest {

    /** Page 0 holds a long; an operation of 8 bytes adds it and returns the new total, anything else is refused. */
    static final class CounterService implements Service {
        private PagedState state;

        @Override public void init(PagedState state) { this.state = state; }

        @Override public byte[] execute(byte[] operation, int client, byte[] nonDet, boolean readOnly) {
            long total = ByteBuffer.wrap(state.read(0)).getLong(0);
            if (operation.length != 8 || readOnly) return new byte[] {0};
            total += ByteBuffer.wrap(operation).getLong();
            ByteBuffer.wrap(state.modify(0)).putLong(0, total);
            return ByteBuffer.allocate(8).putLong(total).array();
        }

        long total() { return ByteBuffer.wrap(state.read(0)).getLong(0); }
    }

    /** Sums what was sent; the sum is final once every client finished (each operation completes once). */
    static class CounterWorkload implements Workload {
        long sent;
        final List<String> finalChecks = new ArrayList<>();

        @Override public int pages() { return 4; }

        @Override public Service newService() { return new CounterService(); }

        @Override public ClientScript client(int clientId, SplittableRandom random) {
            return new ClientScript() {
                long last;

                @Override public Operation next() {
                    last = 1 + random.nextInt(100);
                    sent += last;
                    return new Operation(ByteBuffer.allocate(8).putLong(last).array(), false);
                }

                @Override public String completed(byte[] result) {
                    if (result.length != 8) return "not a total: " + result.length + " bytes";
                    long total = ByteBuffer.wrap(result).getLong();
                    return total >= last ? null : "total " + total + " below the amount " + last + " just added";
                }
            };
        }

        @Override public String checkFinal(Service service) {
            long total = ((CounterService) service).total();
            finalChecks.add("total=" + total);
            return total == sent ? null : "counter " + total + " but clients added " + sent;
        }

        @Override public String name() { return "counter"; }
    }

    @Test
    void aWorkloadRunsWithItsOwnOraclesUnderAdversaries() {
        for (long seed = 1; seed <= 6; seed++) {
            CounterWorkload w = new CounterWorkload();
            Simulation.Options o = new Simulation.Options(seed, 1, 120, 4, true, Adversary.parse("all"), Double.NaN, Double.NaN)
                    .withWorkload(w);
            Simulation.Outcome out = new Simulation(o).run();
            assertTrue(out.ok(), () -> o.replayCommand() + ": " + out.safetyViolations() + " " + out.livenessFailure());
            assertEquals(120, out.committed());
            assertTrue(w.finalChecks.size() >= 1, "the final state is checked at the replicas that executed everything: " + w.finalChecks);
        }
    }

    @Test
    void aWrongFinalStateIsASafetyViolation() {
        CounterWorkload w = new CounterWorkload() {
            @Override public String checkFinal(Service service) { return "always wrong"; }
        };
        Simulation.Outcome out = new Simulation(new Simulation.Options(3, 1, 20, 2, false).withWorkload(w)).run();
        assertEquals(null, out.livenessFailure());
        assertTrue(out.safetyViolations().stream().anyMatch(v -> v.contains("always wrong")), out.safetyViolations()::toString);
    }
}
