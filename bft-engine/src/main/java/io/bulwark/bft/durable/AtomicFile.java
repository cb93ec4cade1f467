package io.bulwark.bft.durable;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;

/**
 * Replaces a small file so that a crash at any byte leaves either the old content or the new:
 * write a temporary file in the same directory, force it, rename it over the target atomically,
 * force the directory (so the rename itself survives a power loss).
 */
public final class AtomicFile {
    private AtomicFile() {}

    public static void write(Path target, byte[] content) throws IOException { write(target, content, ChannelOpener.DEFAULT); }

    public static void write(Path target, byte[] content, ChannelOpener opener) throws IOException {
        Path abs = target.toAbsolutePath();
        Path dir = abs.getParent();
        Path tmp = Files.createTempFile(dir, abs.getFileName() + ".", ".tmp");
        boolean done = false;
        try {
            try (FileChannel ch = opener.open(tmp, java.util.Set.of(StandardOpenOption.WRITE, StandardOpenOption.TRUNCATE_EXISTING))) {
                ByteBuffer b = ByteBuffer.wrap(content);
                while (b.hasRemaining()) ch.write(b, b.position());
                ch.force(true);
            }
            try {
                Files.move(tmp, abs, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            } catch (AtomicMoveNotSupportedException e) {
                throw new IOException("cannot replace " + abs + " atomically: " + e.getMessage(), e);
            }
            done = true;
            syncDirectory(dir);
        } finally {
            if (!done) Files.deleteIfExists(tmp);
        }
    }

    /**
     * Forces a directory's entries (a created, renamed or deleted file) to disk; where the platform
     * cannot (no POSIX file system), renames are the file system's own promise.
     */
    public static void syncDirectory(Path dir) throws IOException {
        io.bulwark.bft.crypto.FilePermissions.fsyncDirectory(dir);
    }
}
