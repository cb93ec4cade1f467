package io.bulwark.bft.durable;

import static io.bulwark.bft.state.PartitionTree.PAGE_SIZE;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.bulwark.bft.state.PageStore;
import io.bulwark.bft.state.PartitionTree;
import io.bulwark.bft.state.StateFile;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Random;
import java.util.TreeSet;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A replica's saved state ({@link PageStore}) cut short at every interesting byte of a save: at
 * and around every write call's first byte, and every 251st byte between. Whatever the cut, the
 * directory loads as the previous checkpoint or the new one, whole and clean, never a mix.
 */
class SavedStateCrashTest {
    static final int PAGES = 8;
    @TempDir Path tmp;

    /** Checkpoint 1: pages 0, 2, 5 hold data. Checkpoint 2: page 2 changed, page 6 written, page 5 zeroed. */
    private static PartitionTree tree() {
        PartitionTree t = new PartitionTree(PAGES);
        Random rnd = new Random(12);
        for (int p : new int[] {0, 2, 5}) rnd.nextBytes(t.modify(p));
        t.checkpoint(1);
        t.modify(2)[100] ^= 1;
        rnd.nextBytes(t.modify(6));
        java.util.Arrays.fill(t.modify(5), (byte) 0);
        t.checkpoint(2);
        return t;
    }

    /** A store holding checkpoint 1 saved, its files copied to {@code dir}. */
    private static PageStore saved(Path dir, Path template) throws IOException {
        Files.createDirectories(dir);
        try (Stream<Path> files = Files.list(template)) {
            for (Path f : (Iterable<Path>) files::iterator) Files.copy(f, dir.resolve(f.getFileName()));
        }
        PageStore.Loaded l = PageStore.load(dir, PAGES);
        return PageStore.open(dir, PAGES, l, l.tree().check());
    }

    /** Runs the save of checkpoint 2 in rounds of {@code maxPages}; true if it completed. */
    private static boolean save(PageStore store, PartitionTree t, int maxPages, ChannelOpener opener) {
        try {
            while (true) {
                PageStore.Snapshot s = store.snapshot(t, 2, maxPages);
                s.write(opener);
                if (s.complete()) return true;
            }
        } catch (IOException e) {
            assertTrue(e.getMessage().contains("simulated crash"), e.getMessage());
            return false;
        }
    }

    private static void assertWholeCheckpoint(Path dir, PartitionTree t, String where) throws IOException {
        PageStore.recover(dir);   // as a replica's start does
        PageStore.Loaded l = PageStore.load(dir, PAGES);
        assertTrue(l.seq() == 1 || l.seq() == 2, where + ": checkpoint " + l.seq());
        assertTrue(l.rootMatches(), where + ": root as recorded");
        assertEquals(t.digest(l.seq()), l.tree().digest(l.seq()), where + ": the saved checkpoint's digest");
        for (int p = 0; p < PAGES; p++) assertArrayEquals(t.pageAt(l.seq(), p), l.tree().read(p), where + ": page " + p);
        StateFile.Report r = PageStore.check(dir);
        assertTrue(r.clean(), where + ": corrupt " + r.corrupt());
        assertFalse(Files.exists(dir.resolve(PageStore.REDO)), where + ": the redo log is finished or discarded");
    }

    @Test
    void aSaveCutShortAtAnyByteLeavesThePreviousCheckpointOrTheNewOneWhole() throws IOException {
        PartitionTree t = tree();
        Path template = tmp.resolve("template");
        PageStore first = PageStore.open(template, PAGES, null, null);
        PageStore.Snapshot s1 = first.snapshot(t, 1, 100);
        assertTrue(s1.complete());
        s1.write();
        for (int maxPages : new int[] {100, 1}) {   // one round, and one page per round (a save in parts)
            FaultyChannel.Faults all = new FaultyChannel.Faults(Long.MAX_VALUE);
            Path full = tmp.resolve("full-" + maxPages);
            assertTrue(save(saved(full, template), t, maxPages, all.opener()));
            assertEquals(2, PageStore.load(full, PAGES).seq());
            long total = all.written.get();
            TreeSet<Long> budgets = new TreeSet<>();
            for (long b : all.boundaries) for (long d = -2; d <= 2; d++) if (b + d >= 0 && b + d <= total) budgets.add(b + d);
            for (long b = 0; b <= total; b += 251) budgets.add(b);
            budgets.add(total);
            int old = 0, fresh = 0;
            for (long budget : budgets) {
                Path dir = tmp.resolve("cut-" + maxPages + "-" + budget);
                FaultyChannel.Faults faults = new FaultyChannel.Faults(budget);
                boolean done = save(saved(dir, template), t, maxPages, faults.opener());
                assertEquals(budget >= total, done, "budget " + budget + " of " + total);
                String where = "max " + maxPages + ", cut at byte " + budget + " of " + total;
                assertWholeCheckpoint(dir, t, where);
                if (PageStore.load(dir, PAGES).seq() == 1) old++;
                else fresh++;
                if (budget % 4 != 0) continue;
                // A replica restarted here saves again from what it found, and gets checkpoint 2.
                PageStore.Loaded l = PageStore.load(dir, PAGES);
                PageStore again = PageStore.open(dir, PAGES, l, l.tree().check());
                assertTrue(save(again, t, 100, ChannelOpener.DEFAULT));
                assertEquals(2, PageStore.load(dir, PAGES).seq(), where);
                assertWholeCheckpoint(dir, t, where + ", saved again");
            }
            assertTrue(old > 10 && fresh > 5, "cuts before and after the commit: " + old + " old, " + fresh + " new");
        }
    }

    @Test
    void aCommittedRedoLogLeftBehindIsAppliedAgainHarmlessly() throws IOException {
        PartitionTree t = tree();
        Path dir = tmp.resolve("d");
        PageStore store = PageStore.open(dir, PAGES, null, null);
        store.snapshot(t, 1, 100).write();
        // Keep a copy of the committed redo log of checkpoint 2, as a crash after the header's rename would.
        ChannelOpener keep = (path, options) -> java.nio.channels.FileChannel.open(path, options);
        PageStore.Snapshot s2 = store.snapshot(t, 2, 100);
        Path copy = tmp.resolve("redo-copy");
        s2.write((path, options) -> {
            if (path.getFileName().toString().equals(PageStore.PAGES) && Files.exists(dir.resolve(PageStore.REDO)) && !Files.exists(copy))
                Files.copy(dir.resolve(PageStore.REDO), copy);
            return keep.open(path, options);
        });
        assertTrue(Files.exists(copy));
        assertFalse(Files.exists(dir.resolve(PageStore.REDO)));
        Files.copy(copy, dir.resolve(PageStore.REDO));
        String what = PageStore.recover(dir);
        assertTrue(what.contains("completed an interrupted save of checkpoint 2"), what);
        assertWholeCheckpoint(dir, t, "re-applied");
        assertEquals(2, PageStore.load(dir, PAGES).seq());
        assertNull(PageStore.recover(dir));
        // A redo log with garbage after its header and no commit: discarded, the checkpoint kept.
        byte[] junk = new byte[FileHeader.LENGTH + 100];
        System.arraycopy(new FileHeader(FileHeader.REDO, 1).encode(), 0, junk, 0, FileHeader.LENGTH);
        new Random(1).nextBytes(java.util.Arrays.copyOfRange(junk, FileHeader.LENGTH, junk.length));
        Files.write(dir.resolve(PageStore.REDO), junk);
        assertTrue(PageStore.recover(dir).contains("discarded an unfinished save"));
        assertWholeCheckpoint(dir, t, "junk discarded");
        assertEquals(PAGES * (long) PAGE_SIZE, Files.size(dir.resolve(PageStore.PAGES)));
        assertThrows(IOException.class, () -> PageStore.load(tmp.resolve("empty"), PAGES));
    }
}
