package io.bulwark.bft.durable;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;

/** One segment file of a journal: {@code journal-<first seq, 20 digits>.log} in the journal's directory. */
public record Segment(long firstSeq, Path path) {
    static final String PREFIX = "journal-", SUFFIX = ".log";

    static Segment of(Path dir, long firstSeq) {
        return new Segment(firstSeq, dir.resolve(String.format(java.util.Locale.ROOT, "%s%020d%s", PREFIX, firstSeq, SUFFIX)));
    }

    /** The segments in {@code dir}, by first seq; other files are ignored. */
    static List<Segment> list(Path dir) throws IOException {
        List<Segment> out = new ArrayList<>();
        try (Stream<Path> files = Files.list(dir)) {
            for (Path p : (Iterable<Path>) files::iterator) {
                String n = p.getFileName().toString();
                if (!n.startsWith(PREFIX) || !n.endsWith(SUFFIX) || n.length() != PREFIX.length() + 20 + SUFFIX.length()) continue;
                String digits = n.substring(PREFIX.length(), PREFIX.length() + 20);
                if (!digits.chars().allMatch(Character::isDigit)) continue;
                out.add(new Segment(Long.parseLong(digits), p));
            }
        }
        out.sort(Comparator.comparingLong(Segment::firstSeq));
        return out;
    }
}
