package io.bulwark.bft.sim;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.bulwark.bft.msg.Request;
import java.util.List;
import org.junit.jupiter.api.Test;

class SafetyMonitorTest {
    private static Request req(int client, long ts, boolean ro, int replier, byte[] op, byte[] auth) {
        return new Request(client, ts, ro, replier, op, auth);
    }

    @Test
    void equalBatchesAtASequenceNumberAreFineWhateverTheReplierAndAuthenticator() {
        SafetyMonitor m = new SafetyMonitor();
        m.onExecute(0, 1, new byte[] {1}, List.of(req(4, 1, false, 0, new byte[] {7, 8}, new byte[] {1})));
        m.onExecute(1, 1, new byte[] {1}, List.of(req(4, 1, false, -1, new byte[] {7, 8}, new byte[] {2})));
        assertTrue(m.violations.isEmpty(), m.violations.toString());
    }

    @Test
    void anyDifferenceInTheExecutedBatchIsAViolation() {
        Request base = req(4, 1, false, 0, new byte[] {7, 8}, null);
        List<List<Request>> others = List.of(
                List.of(req(5, 1, false, 0, new byte[] {7, 8}, null)),
                List.of(req(4, 2, false, 0, new byte[] {7, 8}, null)),
                List.of(req(4, 1, true, 0, new byte[] {7, 8}, null)),
                List.of(req(4, 1, false, 0, new byte[] {7, 9}, null)),
                List.of(req(4, 1, false, 0, new byte[] {7}, null)),
                List.of(base, base),
                List.of());
        for (List<Request> other : others) {
            SafetyMonitor m = new SafetyMonitor();
            m.onExecute(0, 3, new byte[] {1}, List.of(base));
            m.onExecute(2, 3, new byte[] {1}, other);
            assertEquals(1, m.violations.size(), other.toString());
        }
        SafetyMonitor m = new SafetyMonitor();
        m.onExecute(0, 3, new byte[] {1}, List.of(base));
        m.onExecute(2, 3, new byte[] {2}, List.of(base));
        assertEquals(1, m.violations.size(), "different non-deterministic input");
    }
}
