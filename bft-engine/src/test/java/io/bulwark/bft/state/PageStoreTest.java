package io.bulwark.bft.state;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The incremental saved state: only changed pages are written, the header is the commit point. */
class PageStoreTest {
    @TempDir Path dir;

    private static void touch(PartitionTree t, int... pages) {
        for (int p : pages) t.modify(p)[p % 4096]++;
    }

    @Test
    void savesOnlyChangedPagesAndLoadsTheCheckpointBack() throws IOException {
        PartitionTree t = new PartitionTree(600);
        touch(t, 1, 2, 300, 599);
        t.checkpoint(8);
        PageStore s = PageStore.open(dir, 600, null, null);
        PageStore.Snapshot first = s.snapshot(t, 8, 100);
        assertTrue(first.complete());
        assertEquals(600, first.pages().length, "the first save writes every tuple");
        assertEquals(4L * 4096, first.bytes(), "but only the non-zero pages' bytes");
        first.write();

        touch(t, 2, 17);
        t.checkpoint(16);
        touch(t, 18);   // after checkpoint 16: not part of it
        PageStore.Snapshot second = s.snapshot(t, 16, 100);
        assertArrayEquals(new int[] {2, 17}, second.pages());
        second.write();
        assertTrue(s.snapshot(t, 16, 100).pages().length == 0, "nothing changed since");

        IOException other = assertThrows(IOException.class, () -> PageStore.load(dir, 601));
        assertTrue(other.getMessage().contains("600 pages"), other.getMessage());
                PageStore.Loaded l = PageStore.load(dir);
        assertEquals(16, l.seq());
        assertTrue(l.rootMatches());
        assertEquals(t.digest(16), l.tree().digest(16));
        assertArrayEquals(t.pageAt(16, 17), l.tree().pageAt(16, 17));
        assertTrue(PageStore.check(dir).clean());
    }

    @Test
    void aSaveCutShortLeavesTheHeaderAndIsSeenOnLoad() throws IOException {
        PartitionTree t = new PartitionTree(600);
        touch(t, 5);
        t.checkpoint(8);
        PageStore s = PageStore.open(dir, 600, null, null);
        s.snapshot(t, 8, 100).write();
        touch(t, 10, 20, 30, 40, 50);
        t.checkpoint(16);
        PageStore.Snapshot part = s.snapshot(t, 16, 2);
        assertFalse(part.complete());
        assertEquals(2, part.pages().length);
        part.write();
        // As after a crash here: the header still names checkpoint 8, and its pages are untouched
        // (the two pages went to the redo log only, issue 12), so the saved state is checkpoint 8, whole.
        PageStore.Loaded l = PageStore.load(dir);
        assertEquals(8, l.seq());
        assertTrue(l.rootMatches(), "the state on disk is still checkpoint 8");
        assertTrue(PageStore.check(dir).clean());
        assertTrue(Files.exists(dir.resolve(PageStore.REDO)));
        // The next rounds finish the checkpoint.
        int rounds = 0;
        for (PageStore.Snapshot next = s.snapshot(t, 16, 2); ; next = s.snapshot(t, 16, 2)) {
            next.write();
            rounds++;
            if (next.complete()) break;
        }
        assertEquals(2, rounds, "three pages left, two per round");
        assertFalse(Files.exists(dir.resolve(PageStore.REDO)), "applied and deleted at the commit");
        l = PageStore.load(dir);
        assertEquals(16, l.seq());
        assertTrue(l.rootMatches());
        assertTrue(PageStore.check(dir).clean());
    }

    @Test
    void garbageIsRejectedWithAReason() throws IOException {
        assertThrows(IOException.class, () -> PageStore.load(dir));
        PartitionTree t = new PartitionTree(300);
        PageStore s = PageStore.open(dir, 300, null, null);
        s.snapshot(t, 0, 10).write();
        byte[] h = Files.readAllBytes(dir.resolve(PageStore.HEADER_FILE));
        h[30] ^= 1;
        Files.write(dir.resolve(PageStore.HEADER_FILE), h);
        IOException e = assertThrows(IOException.class, () -> PageStore.load(dir));
        assertTrue(e.getMessage().contains("checksum"), e.getMessage());
        h[30] ^= 1;
        Files.write(dir.resolve(PageStore.HEADER_FILE), h);
        Files.write(dir.resolve(PageStore.TUPLES), new byte[7]);
        e = assertThrows(IOException.class, () -> PageStore.load(dir));
        assertTrue(e.getMessage().contains("300 pages need"), e.getMessage());
    }
}
