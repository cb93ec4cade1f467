package io.bulwark.bft.durable;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * How many recoveries (section 4.4) a replica completed on this data dir, across its restarts: every proactive
 * reboot is a new process whose own count starts at zero, so an operator's "recoveries" needs the disk. One line,
 * the count; replaced atomically ({@link AtomicFile}) when a recovery completes. Only a figure for operators: the
 * protocol never reads it, so a damaged file is reported and counted from zero, never a reason not to start.
 */
public final class RecoveryTally {
    public static final String FILE = "recoveries";
    /** Longest content read: a count has at most 19 digits. */
    private static final int MAX_BYTES = 64;

    private RecoveryTally() {}

    /** The count in {@code file}: 0 if there is none; an IOException naming the file if it is not a count. */
    public static long read(Path file) throws IOException {
        if (!Files.exists(file)) return 0;
        if (Files.size(file) > MAX_BYTES) throw new IOException(file + ": " + Files.size(file) + " bytes, not a count");
        String text = Files.readString(file, StandardCharsets.US_ASCII).strip();
        try {
            long n = Long.parseLong(text);
            if (n < 0) throw new NumberFormatException();
            return n;
        } catch (NumberFormatException e) {
            throw new IOException(file + ": '" + text + "' is not a count of recoveries");
        }
    }

    public static void write(Path file, long count) throws IOException {
        if (count < 0) throw new IllegalArgumentException("count must not be negative: " + count);
        AtomicFile.write(file, (count + "\n").getBytes(StandardCharsets.US_ASCII));
    }
}
