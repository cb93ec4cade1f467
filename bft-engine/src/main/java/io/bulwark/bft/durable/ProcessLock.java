package io.bulwark.bft.durable;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * One process at a time for a resource (a data dir, a principal's key file): an OS file lock
 * ({@link FileChannel#tryLock}) on a lock file, which holds the holder's pid so that a second
 * process is told who has it. The OS releases the lock when the holder dies, even by {@code kill
 * -9}, so a stale lock file never blocks a restart. The file is left in place on release (deleting
 * it would race with a process that has just opened it).
 */
public final class ProcessLock implements AutoCloseable {
    private final Path file;
    private final FileChannel channel;
    private final FileLock lock;

    private ProcessLock(Path file, FileChannel channel, FileLock lock) {
        this.file = file;
        this.channel = channel;
        this.lock = lock;
    }

    /** Takes the lock on {@code file} (created if missing) for {@code what} (named in the error), or fails at once. */
    public static ProcessLock acquire(Path file, String what) throws IOException {
        FileChannel ch = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.READ, StandardOpenOption.WRITE);
        FileLock l;
        boolean here = false;
        try {
            l = ch.tryLock();
        } catch (OverlappingFileLockException e) {
            l = null;   // this JVM holds it already
            here = true;
        } catch (IOException | RuntimeException e) {
            ch.close();
            throw e;
        }
        if (l == null) {
            long pid = here ? ProcessHandle.current().pid() : readPid(ch);
            ch.close();
            throw new LockHeldException(what, file, pid, here);
        }
        try {
            ch.truncate(0);
            ch.write(ByteBuffer.wrap((ProcessHandle.current().pid() + "\n").getBytes(StandardCharsets.US_ASCII)), 0);
        } catch (IOException e) {
            ch.close();
            throw e;
        }
        return new ProcessLock(file, ch, l);
    }

    private static long readPid(FileChannel ch) {
        try {
            ByteBuffer b = ByteBuffer.allocate(32);
            ch.read(b, 0);
            String s = new String(b.array(), 0, b.position(), StandardCharsets.US_ASCII).strip();
            return s.isEmpty() || !s.chars().allMatch(Character::isDigit) || s.length() > 18 ? -1 : Long.parseLong(s);
        } catch (IOException e) {
            return -1;
        }
    }

    public Path file() { return file; }

    @Override public void close() throws IOException {
        try {
            if (lock.isValid()) lock.release();
        } finally {
            channel.close();
        }
    }
}
