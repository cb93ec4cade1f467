package io.bulwark.bft.durable;

import java.io.IOException;
import java.nio.file.Path;

/**
 * A record in the middle of a journal fails its check while valid records follow it: not a crash
 * (a crash only cuts the tail) but damage. Nothing from the damaged record on is trusted; the node
 * catches this to fetch what it lost from the other replicas (paper section 4.4: a replica's
 * state and log are checked and repaired on recovery) instead of replaying it.
 */
public final class JournalCorruptException extends IOException {
    private final Path file;
    private final long offset, expectedSeq, validAt;

    public JournalCorruptException(Path file, long offset, long expectedSeq, long validAt, String reason) {
        super(file + ": corrupt record at offset " + offset + " (expected seq " + expectedSeq + "): " + reason
                + (validAt >= 0 ? "; a valid record follows at offset " + validAt + ", so this is damage, not a torn write" : "")
                + ": the records from seq " + expectedSeq + " on must be repaired from the other replicas");
        this.file = file;
        this.offset = offset;
        this.expectedSeq = expectedSeq;
        this.validAt = validAt;
    }

    public Path file() { return file; }

    public long offset() { return offset; }

    /** The first seq that could not be read: every record from it on is suspect. */
    public long expectedSeq() { return expectedSeq; }

    /** Where (in {@link #file()} or a later segment) a valid record was found after the damage; -1 if not searched. */
    public long validAt() { return validAt; }
}
