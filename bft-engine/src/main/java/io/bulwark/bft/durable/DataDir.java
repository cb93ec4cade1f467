package io.bulwark.bft.durable;

import io.bulwark.bft.config.ClusterConfig;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * A replica's claim on its data directory for as long as it runs: the directory's lock (one
 * process per data dir) and its identity checked (this cluster, this replica). Taken before
 * anything in the directory is read, released by {@link #close}.
 */
public final class DataDir implements AutoCloseable {
    public static final String LOCK_FILE = "lock";

    private final Path dir;
    private final ProcessLock lock;
    private final DataDirIdentity identity;

    private DataDir(Path dir, ProcessLock lock, DataDirIdentity identity) {
        this.dir = dir;
        this.lock = lock;
        this.identity = identity;
    }

    /** Locks {@code dir} (created if missing) and checks or writes its identity; fails with the reason otherwise. */
    public static DataDir open(Path dir, ClusterConfig cluster, int replica) throws IOException {
        Files.createDirectories(dir);
        DataDirIdentity id = DataDirIdentity.of(cluster, replica);
        ProcessLock lock = ProcessLock.acquire(dir.resolve(LOCK_FILE), "data dir " + dir);
        try {
            id.bind(dir);
        } catch (IOException | RuntimeException e) {
            lock.close();
            throw e;
        }
        return new DataDir(dir, lock, id);
    }

    public Path dir() { return dir; }

    public DataDirIdentity identity() { return identity; }

    @Override public void close() throws IOException { lock.close(); }
}
