package io.bulwark.bft.crypto;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.FileSystems;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileAttribute;
import java.nio.file.attribute.PosixFilePermissions;

/** Helpers for secret files: created owner-only (600) from the start, and durable renames. */
public final class FilePermissions {
    private FilePermissions() {}

    /** Attributes for {@code Files.createFile}: rw------- where the file system is POSIX, none elsewhere. */
    public static FileAttribute<?>[] ownerOnly(Path file) {
        if (file.getFileSystem().supportedFileAttributeViews().contains("posix"))
            return new FileAttribute<?>[] {PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------"))};
        return new FileAttribute<?>[0];
    }

    /**
     * Makes a rename in {@code dir} durable. POSIX file systems allow fsync on a directory; where
     * opening a directory is not supported (Windows) there is nothing more we can do.
     */
    public static void fsyncDirectory(Path dir) throws IOException {
        if (!FileSystems.getDefault().supportedFileAttributeViews().contains("posix")) return;
        try (FileChannel ch = FileChannel.open(dir, StandardOpenOption.READ)) {
            ch.force(true);
        }
    }
}
