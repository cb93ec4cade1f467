package io.bulwark.store.page;

import io.bulwark.bft.crypto.Digest;
import io.bulwark.bft.service.PagedState;
import io.bulwark.bft.state.PartitionTree;
import io.bulwark.store.index.BPlusTree;
import io.bulwark.store.storage.Storage;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import static org.junit.jupiter.api.Assertions.*;

/** The store over a real engine state: the checkpoint digest moves with exactly the committed pages. */
class PagedStatePagesTest {

    @Test
    void theEngineSeesExactlyTheCommittedPages() {
        PartitionTree tree = new PartitionTree(600);
        // The store's region starts at page 8 of the tree: pages outside it never change.
        PagedStatePages pages = new PagedStatePages(new PagedState(tree, 8, 512));
        assertEquals(512, pages.pageCount());

        PageOverlay format = new PageOverlay(pages);
        Storage.format(format);
        assertEquals(3, format.commit());
        assertEquals(List.of(8, 9, 10), modified(tree));
        Digest formatted = tree.checkpoint(1);

        long seq = 2;
        Digest last = formatted;
        for (int tx = 0; tx < 20; tx++) {
            byte[][] before = snapshot(tree);
            PageOverlay overlay = new PageOverlay(pages);
            Storage s = Storage.open(overlay);
            BPlusTree t = s.tree("accounts");
            for (int i = 0; i < 40 * tx + 1; i++) t.put(key(tx * 1000 + i), key(i));
            s.heap().insert(new byte[tx * 500]);
            int committed = overlay.commit();
            List<Integer> differing = new ArrayList<>();
            for (int p = 0; p < tree.pageCount(); p++) if (!Arrays.equals(before[p], tree.read(p))) differing.add(p);
            assertEquals(differing, modified(tree), "transaction " + tx);
            assertEquals(differing.size(), committed);
            Digest d = tree.checkpoint(seq++);
            assertNotEquals(last, d);
            last = d;
        }

        // A transaction that writes pages without changing their bytes modifies nothing: same digest.
        PageOverlay idle = new PageOverlay(pages);
        Storage s = Storage.open(idle);
        s.tree("accounts").put(key(0), key(0));
        idle.write(0);
        idle.write(100);
        assertEquals(0, idle.commit());
        assertEquals(List.of(), modified(tree));
        assertEquals(last, tree.checkpoint(seq++));

        // A discarded transaction modifies nothing either.
        PageOverlay aborted = new PageOverlay(pages);
        Storage.open(aborted).tree("accounts").put(key(999_999), key(1));
        aborted.discard();
        assertEquals(List.of(), modified(tree));
        assertEquals(last, tree.checkpoint(seq));
        assertArrayEquals(key(0), Storage.open(pages).tree("accounts").get(key(0)));
    }

    private static List<Integer> modified(PartitionTree tree) {
        List<Integer> out = new ArrayList<>();
        for (int p = 0; p < tree.pageCount(); p++) if (tree.modifiedSinceCheckpoint(p)) out.add(p);
        return out;
    }

    private static byte[][] snapshot(PartitionTree tree) {
        byte[][] copy = new byte[tree.pageCount()][];
        for (int p = 0; p < tree.pageCount(); p++) copy[p] = tree.read(p).clone();
        return copy;
    }

    private static byte[] key(int i) { return ("key-" + i).getBytes(StandardCharsets.UTF_8); }
}
