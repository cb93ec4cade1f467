package io.bulwark.store.page;

import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.*;

class PageOverlayTest {

    @Test
    void readsSeeTheBaseUntilWrittenThenTheCopy() {
        MemoryPages base = new MemoryPages(4);
        base.write(1)[0] = 7;
        base.clearWrites();
        PageOverlay overlay = new PageOverlay(base);
        assertSame(base.read(1), overlay.read(1));
        byte[] w = overlay.write(1);
        assertNotSame(base.read(1), w);
        assertEquals(7, w[0]);
        w[0] = 9;
        assertEquals(9, overlay.read(1)[0]);
        assertEquals(7, base.read(1)[0]);
        assertSame(w, overlay.write(1), "a second write returns the same copy");
        assertEquals(List.of(), base.writes(), "nothing reaches the base before commit");
        assertEquals(Set.of(1), overlay.writtenPages());
    }

    @Test
    void commitWritesExactlyThePagesThatChanged() {
        MemoryPages base = new MemoryPages(8);
        base.write(2)[5] = 1;
        base.clearWrites();
        PageOverlay overlay = new PageOverlay(base);
        overlay.write(6)[100] = 42;        // changed
        overlay.write(2)[5] = 1;           // written with identical bytes
        overlay.write(3);                  // written, untouched
        byte[] p4 = overlay.write(4);      // changed and changed back
        p4[0] = 1;
        p4[0] = 0;
        overlay.write(1)[4095] = -1;       // changed
        assertEquals(Set.of(1, 2, 3, 4, 6), overlay.writtenPages());
        assertEquals(2, overlay.commit());
        assertEquals(List.of(1, 6), base.writes(), "write called once per changed page, in page order");
        assertEquals(42, base.read(6)[100]);
        assertEquals(-1, base.read(1)[4095]);
        assertThrows(IllegalStateException.class, () -> overlay.read(1));
    }

    @Test
    void discardLeavesTheBaseUntouched() {
        MemoryPages base = new MemoryPages(4);
        byte[][] before = base.snapshot();
        PageOverlay overlay = new PageOverlay(base);
        overlay.write(0)[0] = 1;
        overlay.write(3)[9] = 1;
        overlay.discard();
        assertEquals(List.of(), base.writes());
        assertArrayEquals(before, base.snapshot());
        assertThrows(IllegalStateException.class, overlay::commit);
    }

    @Test
    void aNestedOverlayCommitsIntoItsParentAsAWriteWould() {
        MemoryPages base = new MemoryPages(8);
        base.write(2)[5] = 1;
        base.clearWrites();
        byte[][] before = base.snapshot();
        PageOverlay outer = new PageOverlay(base);
        outer.write(3)[0] = 3;                    // the outer overlay's own change, kept
        PageOverlay inner = new PageOverlay(outer);
        inner.write(3)[1] = 4;                    // on top of the outer's copy
        inner.write(6)[100] = 42;                 // a page the outer never copied
        inner.write(2)[5] = 1;                    // identical bytes: not committed
        assertEquals(2, inner.commit());
        assertThrows(IllegalStateException.class, () -> inner.write(6), "the inner overlay is closed by its commit");
        assertArrayEquals(before, base.snapshot(), "nothing reaches the base before the outer commit");
        assertEquals(Set.of(3, 6), outer.writtenPages());
        assertEquals(3, outer.read(3)[0]);
        assertEquals(4, outer.read(3)[1]);
        assertEquals(42, outer.read(6)[100]);
        outer.write(6)[101] = 43;                 // the outer goes on writing the page it took over
        assertEquals(2, outer.commit());
        assertEquals(List.of(3, 6), base.writes());
        assertEquals(42, base.read(6)[100]);
        assertEquals(43, base.read(6)[101]);
        assertEquals(4, base.read(3)[1]);
        assertEquals(1, base.read(2)[5]);
    }

    @Test
    void aDiscardedOuterOverlayDropsWhatItsChildCommitted() {
        MemoryPages base = new MemoryPages(4);
        byte[][] before = base.snapshot();
        PageOverlay outer = new PageOverlay(base);
        PageOverlay inner = new PageOverlay(outer);
        inner.write(1)[7] = 7;
        inner.commit();
        outer.discard();
        assertArrayEquals(before, base.snapshot());
        assertEquals(List.of(), base.writes());
    }
}
