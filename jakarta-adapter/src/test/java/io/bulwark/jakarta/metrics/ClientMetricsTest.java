package io.bulwark.jakarta.metrics;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.bulwark.jakarta.client.BulwarkClient;
import io.bulwark.jakarta.example.NotYourTodoException;
import io.bulwark.jakarta.example.TodoService;
import io.bulwark.jakarta.fixtures.TodoGroup;
import io.bulwark.store.client.GroupUnavailableException;
import io.micrometer.core.instrument.Timer;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** A client's calls in its metrics, by contract, method, kind and outcome, on the todo application's four replicas. */
@Timeout(180)
class ClientMetricsTest {
    @Test
    void callsAreTimedByOutcome(@TempDir Path dir) throws Exception {
        try (TodoGroup g = new TodoGroup(dir)) {
            BulwarkClient aliceClient = BulwarkClient.over(g.group.client(TodoGroup.ALICE), Duration.ofSeconds(3));
            BulwarkClient bobClient = BulwarkClient.over(g.group.client(TodoGroup.BOB), TodoGroup.WAIT);
            TodoService alice = aliceClient.proxy(TodoService.class), bob = bobClient.proxy(TodoService.class);
            long id = alice.add("buy milk");
            alice.get(id);
            alice.get(id);
            assertThrows(NotYourTodoException.class, () -> bob.complete(id));
            long both = alice.addAndComplete("call mum");   // a default method: its two operations are counted, it is not
            assertTrue(both > id);

            ClientMetrics m = aliceClient.metrics();
            assertEquals(2, timer(m, "add", "read-write", "ok").count());
            assertEquals(2, timer(m, "get", "read-only", "ok").count());
            assertEquals(1, timer(m, "complete", "read-write", "ok").count());
            assertEquals(null, m.registry().find(ClientMetrics.REQUESTS).tag("method", "addAndComplete").timer());
            assertEquals(1, timer(bobClient.metrics(), "complete", "read-write", "failed").count());
            assertTrue(timer(m, "add", "read-write", "ok").totalTime(java.util.concurrent.TimeUnit.NANOSECONDS) > 0);

            // Two of four replicas stopped: no certified answer within the client's timeout.
            g.group.stop(3);
            g.group.stop(2);
            assertThrows(GroupUnavailableException.class, () -> alice.add("lost"));
            assertEquals(1, timer(m, "add", "read-write", "unavailable").count());

            String text = m.scrape();
            assertTrue(text.contains("bulwark_client_requests_seconds_count{contract=\"" + TodoService.class.getName()
                    + "\",kind=\"read-only\",method=\"get\",outcome=\"ok\"} 2\n"), text);
            assertTrue(text.contains("bulwark_client_view_changes_total 0\n"), text);
            assertTrue(text.contains("bulwark_client_view 0\n"), text);
        }
    }

    @Test
    void viewChangesCountOnlyRises() {
        ClientMetrics m = new ClientMetrics();
        m.viewSeen(0);
        m.viewSeen(2);
        m.viewSeen(1);   // a late certificate of an older view
        m.viewSeen(2);
        m.viewSeen(3);
        assertEquals(2, m.registry().get(ClientMetrics.VIEW_CHANGES).counter().count());
        assertEquals(3, m.registry().get(ClientMetrics.VIEW).gauge().value());
    }

    private static Timer timer(ClientMetrics m, String method, String kind, String outcome) {
        return m.registry().get(ClientMetrics.REQUESTS).tags("contract", TodoService.class.getName(), "method", method, "kind", kind, "outcome", outcome).timer();
    }
}
