package io.bulwark.bft.durable;

import java.nio.file.Path;

/** A child process for {@link ProcessLockTest}: takes the lock named by its argument, says so, and holds it until stdin closes. */
public final class LockHolder {
    public static void main(String[] args) throws Exception {
        try (ProcessLock lock = ProcessLock.acquire(Path.of(args[0]), "test resource")) {
            System.out.println("locked");
            System.out.flush();
            while (System.in.read() >= 0) {
                // hold the lock until the parent closes our stdin (or kills us)
            }
        }
    }
}
