package io.bulwark.bft.durable;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.TreeMap;

/**
 * The counters of the last NEW-KEY a replica accepted from each principal (section 4.1), kept in its
 * data dir so that a NEW-KEY recorded before a refresh is refused after a restart too. Text, one
 * line per principal: {@code <principal> <counter>}; replaced atomically ({@link AtomicFile}).
 */
public final class NewKeyCounters {
    public static final String FILE = "newkey-counters";

    private NewKeyCounters() {}

    /** The counters in {@code file} (empty if there is none); principals must be below {@code principals}. */
    public static Map<Integer, Long> read(Path file, int principals) throws IOException {
        Map<Integer, Long> counters = new HashMap<>();
        if (!Files.exists(file)) return counters;
        for (String line : Files.readAllLines(file, StandardCharsets.US_ASCII)) {
            String[] f = line.trim().split(" ");
            try {
                if (f.length != 2) throw new NumberFormatException();
                int p = Integer.parseInt(f[0]);
                long c = Long.parseLong(f[1]);
                if (p < 0 || p >= principals || c < 1) throw new NumberFormatException();
                counters.put(p, c);
            } catch (NumberFormatException e) {
                throw new IOException(file + ": bad line '" + line + "' (expected: principal counter)");
            }
        }
        return counters;
    }

    public static void write(Path file, Map<Integer, Long> counters) throws IOException {
        StringBuilder b = new StringBuilder();
        new TreeMap<>(counters).forEach((p, c) -> b.append(p).append(' ').append(c).append('\n'));
        AtomicFile.write(file, b.toString().getBytes(StandardCharsets.US_ASCII));
    }
}
