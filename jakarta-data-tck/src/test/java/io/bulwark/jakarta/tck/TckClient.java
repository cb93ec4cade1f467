package io.bulwark.jakarta.tck;

import io.bulwark.jakarta.client.BulwarkClient;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Produces;

/** The BulwarkClient the provider's repository proxies use in the TCK's Weld containers (client mode). */
@ApplicationScoped
public class TckClient {
    /** Set by {@link TckWeld} before a container starts. */
    static volatile BulwarkClient client;

    @Produces
    BulwarkClient client() { return client; }
}
