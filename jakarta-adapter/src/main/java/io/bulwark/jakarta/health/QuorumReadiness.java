package io.bulwark.jakarta.health;

import io.bulwark.jakarta.client.BulwarkClient;
import io.bulwark.jakarta.client.GroupStatus;
import io.bulwark.jakarta.cdi.BulwarkExtension;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Instance;
import jakarta.enterprise.inject.spi.BeanManager;
import jakarta.inject.Inject;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.Readiness;

/**
 * MicroProfile Health readiness: UP while a quorum (2f+1) of the replicas answers this client's STATUS-QUERY within
 * the health timeout ({@code bulwark.health.timeout-ms}, default 2 s), DOWN otherwise (fewer than 2f+1 cannot order a
 * request: section 2 of the paper), or when no client is configured. The extension adds this bean in client mode when
 * the MicroProfile Health API is present (WildFly's {@code standalone-microprofile.xml}, Payara 6), so the adapter
 * still runs without it.
 */
@Readiness
@ApplicationScoped
public class QuorumReadiness implements HealthCheck {
    public static final String NAME = "bulwark-quorum";

    @Inject Instance<BulwarkClient> clients;
    @Inject BeanManager bm;

    @Override public HealthCheckResponse call() {
        BulwarkClient client;
        try {
            client = bm.getExtension(BulwarkExtension.class).client(clients, bm);
        } catch (RuntimeException e) {   // unsatisfied, ambiguous, or the configuration is missing or wrong
            return down(Map.of("error", String.valueOf(e.getMessage())));
        }
        if (client == null) return down(Map.of("error", "the application's BulwarkClient bean is null"));
        GroupStatus s;
        try {
            s = client.groupStatus();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return down(Map.of("error", "interrupted"));
        }
        Map<String, Object> data = new LinkedHashMap<>();
        data.put("replicas", (long) s.n());
        data.put("quorum", (long) s.quorum());
        data.put("answering", (long) s.answering().size());
        data.put("answered", s.answering().keySet().toString());
        if (!s.silent().isEmpty()) data.put("silent", s.silent().keySet().toString());
        return new HealthCheckResponse(NAME, s.ready() ? HealthCheckResponse.Status.UP : HealthCheckResponse.Status.DOWN, Optional.of(data));
    }

    // The constructor, not HealthCheckResponse.named(...): the builder needs the server's HealthCheckResponseProvider.
    private static HealthCheckResponse down(Map<String, Object> data) {
        return new HealthCheckResponse(NAME, HealthCheckResponse.Status.DOWN, Optional.of(data));
    }
}
