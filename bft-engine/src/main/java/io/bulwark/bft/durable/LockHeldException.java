package io.bulwark.bft.durable;

import java.io.IOException;
import java.nio.file.Path;

/** Another process (or this one) holds a {@link ProcessLock}: the message names the holder's pid when known. */
public final class LockHeldException extends IOException {
    private final Path lockFile;
    private final long pid;

    LockHeldException(String what, Path lockFile, long pid, boolean thisProcess) {
        super(what + " is in use by " + (thisProcess ? "this process (pid " + pid + ")"
                : pid > 0 ? "another process (pid " + pid + ")" : "another process (pid unknown)")
                + ": it holds the lock on " + lockFile + "; stop that process first (only one may use it at a time)");
        this.lockFile = lockFile;
        this.pid = pid;
    }

    public Path lockFile() { return lockFile; }

    /** The holder's pid as it wrote it into the lock file, or -1 if unknown. */
    public long pid() { return pid; }
}
