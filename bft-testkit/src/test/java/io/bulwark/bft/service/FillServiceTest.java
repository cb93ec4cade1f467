package io.bulwark.bft.service;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.bulwark.bft.state.PartitionTree;
import org.junit.jupiter.api.Test;

class FillServiceTest {
    private static final byte[] NO_NONDET = new byte[0];

    private static FillService on(PartitionTree tree) {
        FillService s = new FillService();
        s.init(new PagedState(tree, 0, tree.pageCount()));
        return s;
    }

    @Test
    void sameWritesGiveSameBytesAndDigestsOnEveryReplica() {
        PartitionTree a = new PartitionTree(600), b = new PartitionTree(600);
        FillService sa = on(a), sb = on(b);
        for (FillService s : new FillService[] {sa, sb}) {
            FillService.resultValue(s.execute(FillService.write(10, 64, 7), 5, NO_NONDET, false));
            FillService.resultValue(s.execute(FillService.write(500, 100, 8), 5, NO_NONDET, false));
        }
        for (int p = 0; p < 600; p++) assertArrayEquals(a.read(p), b.read(p), "page " + p);
        assertEquals(a.checkpoint(1), b.checkpoint(1));
        assertNotEquals(new PartitionTree(600).digest(0), a.digest(1), "the writes went through modify, so the digest moved");
        assertEquals(164, a.copiedPages(0), "every written page was announced with modify (copy-on-write)");
    }

    @Test
    void fillDependsOnSeedAndPageAndChecksumReadsItBack() {
        PartitionTree t = new PartitionTree(8);
        FillService s = on(t);
        long written = FillService.resultValue(s.execute(FillService.write(0, 4, 1), 5, NO_NONDET, false));
        assertEquals(written, FillService.resultValue(s.execute(FillService.checksum(0, 4), 5, NO_NONDET, true)));
        assertNotEquals(java.util.Arrays.hashCode(t.read(0)), java.util.Arrays.hashCode(t.read(1)));
        byte[] before = t.read(0).clone();
        s.execute(FillService.write(0, 1, 2), 5, NO_NONDET, false);
        assertNotEquals(java.util.Arrays.hashCode(before), java.util.Arrays.hashCode(t.read(0)));
        s.execute(FillService.write(0, 1, 1), 5, NO_NONDET, false);
        assertArrayEquals(before, t.read(0), "same (seed, page), same bytes");
    }

    @Test
    void badOperationsAreErrorsAndChangeNothing() {
        PartitionTree t = new PartitionTree(16);
        FillService s = on(t);
        for (byte[] op : new byte[][] {FillService.write(10, 7, 1), FillService.write(-1, 1, 1),
                FillService.write(0, FillService.MAX_PAGES_PER_OP + 1, 1), new byte[3], {9, 0, 0, 0, 0, 0, 0, 0, 1}}) {
            byte[] r = s.execute(op, 5, NO_NONDET, false);
            assertEquals(FillService.ERROR, r[0]);
            assertThrows(IllegalStateException.class, () -> FillService.resultValue(r));
        }
        assertEquals(FillService.ERROR, s.execute(FillService.write(0, 1, 1), 5, NO_NONDET, true)[0], "no WRITE in a read-only request");
        assertEquals(0, t.dirtyPages());
    }
}
