package io.bulwark.bft.durable;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ProcessLockTest {
    @TempDir Path dir;

    @Test
    void aSecondHolderInThisProcessIsRefusedUntilTheFirstReleases() throws Exception {
        Path file = dir.resolve("lock");
        try (ProcessLock first = ProcessLock.acquire(file, "data dir X")) {
            LockHeldException e = assertThrows(LockHeldException.class, () -> ProcessLock.acquire(file, "data dir X"));
            assertTrue(e.getMessage().startsWith("data dir X is in use by this process (pid " + ProcessHandle.current().pid() + ")"), e.getMessage());
            assertEquals(file, e.lockFile());
        }
        ProcessLock.acquire(file, "data dir X").close();
    }

    /** A real second process: refused with the first one's pid; the lock goes with the holder, even on kill -9. */
    @Test
    void anotherProcessHoldingTheLockIsNamedByItsPid() throws Exception {
        Path file = dir.resolve("lock");
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        Process child = new ProcessBuilder(java, "-cp", System.getProperty("java.class.path"), LockHolder.class.getName(), file.toString())
                .redirectError(ProcessBuilder.Redirect.INHERIT).start();
        try {
            BufferedReader out = new BufferedReader(new InputStreamReader(child.getInputStream(), StandardCharsets.UTF_8));
            assertEquals("locked", out.readLine(), "the child took the lock");
            LockHeldException e = assertThrows(LockHeldException.class, () -> ProcessLock.acquire(file, "client 4"));
            assertEquals(child.pid(), e.pid());
            assertTrue(e.getMessage().contains("client 4 is in use by another process (pid " + child.pid() + ")"), e.getMessage());
            child.destroyForcibly();   // SIGKILL: no clean-up runs, the lock file stays
            assertTrue(child.waitFor(60, TimeUnit.SECONDS));
            ProcessLock.acquire(file, "client 4").close();
        } finally {
            child.destroyForcibly();
        }
    }
}
