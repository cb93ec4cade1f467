package io.bulwark.bft.durable;

import io.bulwark.bft.config.ClusterConfig;
import io.bulwark.bft.config.KeyMaterial;
import java.io.IOException;
import java.nio.file.Path;

/**
 * One process per principal: a lock file beside the principal's key file ({@code client-4.lock}
 * beside {@code client-4.key}). Two processes with one client id would share its request
 * timestamps and co-processor counter: the replicas would take one's requests as the other's
 * retransmissions and the writes of one would go missing (issue 12: the demo's "try it" line).
 */
public final class PrincipalLock {
    private PrincipalLock() {}

    /** Locks principal {@code id} of {@code config}, whose key files are in {@code configDir}. */
    public static ProcessLock acquire(Path configDir, ClusterConfig config, int id) throws IOException {
        Path file = configDir.resolve(KeyMaterial.lockFileName(config, id));
        return ProcessLock.acquire(file, (config.isReplica(id) ? "replica " : "client ") + id + " (key file "
                + configDir.resolve(KeyMaterial.keyFileName(config, id)) + ")");
    }
}
