package io.bulwark.jakarta.health;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.bulwark.bft.testkit.Await;
import io.bulwark.jakarta.cdi.BulwarkExtension;
import io.bulwark.jakarta.cdi.Mode;
import io.bulwark.jakarta.config.ClientSettings;
import io.bulwark.jakarta.example.TodoPage;
import io.bulwark.jakarta.example.TodoServiceBean;
import io.bulwark.jakarta.fixtures.TodoGroup;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.Readiness;
import org.jboss.weld.environment.se.Weld;
import org.jboss.weld.environment.se.WeldContainer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The readiness check in CDI client mode (Weld SE), its client configured by a properties file
 * ({@code bulwark.config.file}), against the todo application's four loopback replicas: UP while all four answer,
 * still UP with one stopped (3 = 2f+1), DOWN after stopping a second. Without configuration it is DOWN and says why.
 */
@Timeout(180)
class QuorumReadinessTest {
    @AfterEach
    void clear() { System.clearProperty(ClientSettings.FILE_PROPERTY); }

    @Test
    void upWithAQuorumDownWithout(@TempDir Path dir) throws Exception {
        try (TodoGroup g = new TodoGroup(dir.resolve("group"))) {
            Path props = Files.writeString(dir.resolve("bulwark.properties"), ClientSettings.CONFIG + "=" + g.group.configFile() + "\n"
                    + ClientSettings.ID + "=" + (g.group.n() + TodoGroup.MALLORY) + "\n" + ClientSettings.HEALTH_TIMEOUT + "=1000\n");
            System.setProperty(ClientSettings.FILE_PROPERTY, props.toString());
            try (WeldContainer c = boot()) {
                HealthCheck readiness = c.select(HealthCheck.class, Readiness.Literal.INSTANCE).get();
                // Every replica answers once it has this client's key (KEY-ACK): wait for that, with a deadline.
                AtomicReference<HealthCheckResponse> last = new AtomicReference<>();
                Await.until("all four replicas answer", TodoGroup.WAIT, () -> {
                    last.set(readiness.call());
                    return data(last.get()).get("answering").equals(4L);
                }, () -> String.valueOf(data(last.get())));
                HealthCheckResponse up = last.get();
                assertEquals(QuorumReadiness.NAME, up.getName());
                assertEquals(HealthCheckResponse.Status.UP, up.getStatus());
                assertEquals(Map.of("replicas", 4L, "quorum", 3L, "answering", 4L, "answered", "[0, 1, 2, 3]"), data(up));

                g.group.stop(3);
                HealthCheckResponse three = readiness.call();
                assertEquals(HealthCheckResponse.Status.UP, three.getStatus(), "2f+1 = 3 still answer: " + data(three));
                assertEquals("[3]", data(three).get("silent"));

                g.group.stop(2);
                HealthCheckResponse down = readiness.call();
                assertEquals(HealthCheckResponse.Status.DOWN, down.getStatus(), String.valueOf(data(down)));
                assertEquals(List.of(2L, "[0, 1]", "[2, 3]"), List.of(data(down).get("answering"), data(down).get("answered"), data(down).get("silent")));
            }
        }
    }

    @Test
    void downAndSaysWhyWithoutConfiguration() {
        try (WeldContainer c = boot()) {
            HealthCheckResponse r = c.select(HealthCheck.class, Readiness.Literal.INSTANCE).get().call();
            assertEquals(HealthCheckResponse.Status.DOWN, r.getStatus());
            String error = String.valueOf(data(r).get("error"));
            assertTrue(error.contains(ClientSettings.CONFIG + " (the path of the group's cluster.conf) is not set in"), error);
        }
    }

    private static WeldContainer boot() {
        Weld weld = new Weld("readiness").disableDiscovery().addExtension(new BulwarkExtension()).addBeanClasses(TodoServiceBean.class, TodoPage.class)
                .property("org.jboss.weld.se.shutdownHook", false);
        return Mode.bootingAs(Mode.CLIENT, weld::initialize);
    }

    private static Map<String, Object> data(HealthCheckResponse r) {
        return r == null ? Map.of() : r.getData().orElse(Map.of());
    }
}
