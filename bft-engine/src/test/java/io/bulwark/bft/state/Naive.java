package io.bulwark.bft.state;

import static io.bulwark.bft.state.PartitionTree.FANOUT;
import static io.bulwark.bft.state.PartitionTree.PAGE_SIZE;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The reference the tests compare the tree with: full copies of every page, and every tuple of a
 * checkpoint computed from scratch with the public digest functions.
 */
final class Naive {
    private static final byte[] ZERO = new byte[PAGE_SIZE];
    /** null: all zero. */
    final byte[][] pages;
    final long[] lm;

    Naive(int pageCount) {
        pages = new byte[pageCount][];
        lm = new long[pageCount];
    }

    byte[] page(int i) { return pages[i] == null ? ZERO : pages[i]; }

    byte[] write(int i) {
        if (pages[i] == null) pages[i] = new byte[PAGE_SIZE];
        return pages[i];
    }

    private Naive(byte[][] pages, long[] lm) {
        this.pages = pages;
        this.lm = lm;
    }

    Naive copy() {
        byte[][] p = new byte[pages.length][];
        for (int i = 0; i < p.length; i++) p[i] = pages[i] == null ? null : pages[i].clone();
        return new Naive(p, lm.clone());
    }

    /** Every tuple, level by level (index 0 the root), computed from scratch. */
    List<Partition[]> tuples() { return tuples(pages, lm); }

    static List<Partition[]> tuples(byte[][] pages, long[] lm) {
        List<Partition[]> levels = new ArrayList<>();
        Partition[] below = new Partition[pages.length];
        for (int i = 0; i < pages.length; i++) below[i] = new Partition(lm[i], PartitionTree.pageDigest(i, lm[i], pages[i] == null ? ZERO : pages[i]));
        levels.add(below);
        int level = leafLevel(pages.length) - 1;
        while (level >= 0) {
            Partition[] up = new Partition[(below.length + FANOUT - 1) / FANOUT];
            for (int i = 0; i < up.length; i++) {
                List<Partition> kids = Arrays.asList(below).subList(i * FANOUT, Math.min(below.length, (i + 1) * FANOUT));
                long max = kids.stream().mapToLong(Partition::lm).max().orElseThrow();
                up[i] = new Partition(max, PartitionTree.interiorDigest(level, i, max, kids));
            }
            levels.add(0, up);
            below = up;
            level--;
        }
        return levels;
    }

    static int leafLevel(int pageCount) {
        int levels = 1;
        long span = FANOUT;
        while (span < pageCount) {
            levels++;
            span *= FANOUT;
        }
        return levels;
    }
}
