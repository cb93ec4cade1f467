package io.bulwark.bft.durable;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.StandardOpenOption;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class JournalTest {
    @TempDir Path tmp;

    private static byte[] payload(long seq, int size) {
        byte[] b = new byte[size];
        new Random(seq).nextBytes(b);
        return b;
    }

    private static List<JournalRecord> replay(Journal j, long from) throws IOException {
        List<JournalRecord> out = new ArrayList<>();
        j.replay(from, out::add);
        return out;
    }

    /** Appends records {@code first..first+count-1} (payload sizes vary with the seq) and waits for their commit. */
    private static void appendSynced(Journal j, long first, int count) {
        for (long s = first; s < first + count; s++) assertEquals(s, j.append((int) (s % 7), payload(s, (int) (s * 13 % 300))));
        j.commit().durable().join();
    }

    private static void assertRecords(Journal j, long from, long to) throws IOException {
        List<JournalRecord> rs = replay(j, from);
        assertEquals(to - from + 1, rs.size(), "records " + from + ".." + to);
        for (JournalRecord r : rs) {
            assertEquals(r.seq() % 7, r.type());
            assertArrayEquals(payload(r.seq(), (int) (r.seq() * 13 % 300)), r.payload(), "seq " + r.seq());
        }
        for (int i = 0; i < rs.size(); i++) assertEquals(from + i, rs.get(i).seq());
    }

    @Test
    void recordsSurviveACloseAndReplayFromAnySeq() throws IOException {
        Path dir = tmp.resolve("j");
        try (Journal j = Journal.open(dir, JournalOptions.defaults())) {
            assertEquals(1, j.nextSeq());
            assertEquals(0, j.recordsFound());
            appendSynced(j, 1, 40);
            assertEquals(40, j.durableSeq());
            assertRecords(j, 1, 40);
            j.append(1, new byte[] {1});   // appended, never committed: dropped at close
        }
        try (Journal j = Journal.open(dir, JournalOptions.defaults())) {
            assertEquals(40, j.recordsFound());
            assertNull(j.tornTail());
            assertEquals(41, j.nextSeq());
            assertRecords(j, 1, 40);
            assertRecords(j, 17, 40);
            appendSynced(j, 41, 5);
            assertRecords(j, 1, 45);
            assertThrows(IllegalArgumentException.class, () -> j.append(256, new byte[0]));
        }
        Journal closed = Journal.open(dir, JournalOptions.defaults());
        closed.close();
        assertThrows(IllegalStateException.class, () -> closed.append(1, new byte[0]));
        assertThrows(IllegalStateException.class, closed::commit);
    }

    @Test
    void oneForceCoversEveryCommitMadeWhileTheLastWasRunning() throws Exception {
        CountDownLatch inForce = new CountDownLatch(1), release = new CountDownLatch(1);
        FaultyChannel.Faults faults = new FaultyChannel.Faults(Long.MAX_VALUE);
        ChannelOpener blocking = (path, options) -> new FaultyChannel(FileChannel.open(path, options), faults) {
            @Override public void force(boolean metaData) throws IOException {
                inForce.countDown();
                try {
                    release.await();
                } catch (InterruptedException e) {
                    throw new IOException(e);
                }
                super.force(metaData);
            }
        };
        try (Journal j = Journal.open(tmp.resolve("j"), JournalOptions.defaults().withOpener(blocking))) {
            // One event-loop iteration: many appends, one commit, one force.
            for (int i = 1; i <= 100; i++) j.append(1, payload(i, 10));
            SyncTicket first = j.commit();
            assertTrue(inForce.await(30, TimeUnit.SECONDS));
            // The caller is not blocked while the force runs; ten more iterations commit meanwhile.
            List<SyncTicket> later = new ArrayList<>();
            for (int i = 101; i <= 110; i++) {
                j.append(2, payload(i, 10));
                later.add(j.commit());
            }
            assertFalse(first.durable().isDone());
            for (SyncTicket t : later) assertFalse(t.durable().isDone(), "not durable before its force");
            assertEquals(110, later.get(later.size() - 1).upTo());
            release.countDown();
            for (SyncTicket t : later) t.durable().join();
            assertTrue(first.isDurable());
            assertEquals(2, j.forces(), "the ten commits made during the first force share the second");
            assertEquals(110, j.durableSeq());
            // A commit with nothing new is durable at once.
            assertTrue(j.commit().isDurable());
            assertEquals(2, j.forces());
        }
    }

    @Test
    void segmentsRollAndWholeSegmentsBelowAStableSeqAreDeleted() throws IOException {
        Path dir = tmp.resolve("j");
        JournalOptions small = JournalOptions.defaults().withSegmentBytes(1_000);
        try (Journal j = Journal.open(dir, small)) {
            for (long s = 1; s <= 60; s += 5) appendSynced(j, s, 5);
            List<Segment> segs = j.segments();
            assertTrue(segs.size() > 5, "segments: " + segs);
            for (Segment s : segs) assertTrue(Files.size(s.path()) <= 1_000 + 300 + RecordFormat.OVERHEAD, s + " " + Files.size(s.path()));
            int deleted = j.truncateBelow(30).join();
            List<Segment> left = j.segments();
            assertEquals(segs.size() - deleted, left.size());
            assertTrue(deleted > 0);
            assertTrue(left.get(0).firstSeq() <= 30 && (left.size() == 1 || left.get(1).firstSeq() > 30), "left: " + left);
            for (Segment s : segs.subList(0, deleted)) assertFalse(Files.exists(s.path()));
            assertRecords(j, 30, 60);
            assertEquals(0, (int) j.truncateBelow(1).join());
            // Everything below the last segment can go; the segment being written stays.
            j.truncateBelow(Long.MAX_VALUE).join();
            assertEquals(1, j.segments().size());
            appendSynced(j, 61, 5);
        }
        try (Journal j = Journal.open(dir, small)) {
            long first = j.segments().get(0).firstSeq();
            assertEquals(66 - first, j.recordsFound());
            assertRecords(j, first, 65);
            assertEquals(66, j.nextSeq());
        }
    }

    /**
     * A crash at every byte of a batch of three records (one of which starts a new segment): the
     * journal reopens with the synced records and every record of the batch written whole before
     * the crash, never a partial one; the partial one is truncated and reported.
     */
    /** A journal in {@code dir} holding records 1..4 of 100 bytes, synced. */
    private static Path fourSyncedRecords(Path dir, JournalOptions opts) throws IOException {
        try (Journal j = Journal.open(dir, opts)) {
            for (long s = 1; s <= 4; s++) j.append(0, payload(s, 100));
            j.commit().durable().join();
        }
        return dir;
    }

    /** What {@link #crashBatch} left: the faults' counters, and whether the batch's ticket completed. */
    private record Crash(FaultyChannel.Faults faults, boolean durable) {}

    /**
     * Copies {@code template} into {@code dir} and commits records 5.. of {@code sizes} there as one
     * batch, on channels that write {@code budget} bytes and then crash.
     */
    private static Crash crashBatch(Path template, Path dir, JournalOptions opts, long budget, int[] sizes) throws IOException {
        Files.createDirectories(dir);
        for (Segment s : Segment.list(template)) Files.copy(s.path(), dir.resolve(s.path().getFileName()));
        FaultyChannel.Faults faults = new FaultyChannel.Faults(budget);
        try (Journal j = Journal.open(dir, opts.withOpener(faults.opener()))) {
            for (int k = 0; k < sizes.length; k++) j.append(1, payload(5 + k, sizes[k]));
            SyncTicket t = j.commit();
            try {
                t.durable().join();
            } catch (CompletionException expected) {
                assertTrue(expected.getCause().getMessage().contains("simulated crash"), expected.getCause().getMessage());
            }
            return new Crash(faults, t.isDurable());
        }
    }

    @Test
    void aCrashAtEveryByteOfABatchLeavesExactlyTheWholeRecords() throws IOException {
        // Files that grow with each write, so the bytes written are the records' bytes (the test's
        // arithmetic); the preallocated layout is crashed at every byte in the next test.
        JournalOptions opts = JournalOptions.defaults().withSegmentBytes(600).withPreallocateBytes(0);
        int[] sizes = {20, 120, 30};   // with the four synced records, the third record of the batch rolls the segment
        Path template = fourSyncedRecords(tmp.resolve("synced"), opts);
        long batchBytes = -1;
        for (long budget = 0; batchBytes < 0 || budget <= batchBytes; budget++) {
            Path dir = tmp.resolve("crash-" + budget);
            Crash c = crashBatch(template, dir, opts, budget, sizes);
            FaultyChannel.Faults faults = c.faults();
            if (!faults.crashed) {
                batchBytes = faults.written.get();
                assertTrue(c.durable());
            } else {
                assertFalse(c.durable());
            }
            // Which records of the batch were written whole before the crash.
            long whole = 0, used = 0, segBytes = FileHeader.LENGTH + 4L * (RecordFormat.OVERHEAD + 100);
            boolean nextRolls = false;
            for (int size : sizes) {
                long frame = RecordFormat.OVERHEAD + size;
                boolean roll = segBytes + frame > 600;   // the record starts a new segment, after its header
                long need = (roll ? FileHeader.LENGTH : 0) + frame;
                nextRolls = roll;
                if (used + need > faults.written.get()) break;
                used += need;
                segBytes = (roll ? FileHeader.LENGTH : segBytes) + frame;
                whole++;
            }
            try (Journal j = Journal.open(dir, opts)) {
                assertEquals(4 + whole, j.recordsFound(), "budget " + budget);
                assertEquals(5 + whole, j.nextSeq());
                List<JournalRecord> rs = replay(j, 1);
                assertEquals(4 + whole, rs.size());
                for (int k = 0; k < whole; k++) assertArrayEquals(payload(5 + k, sizes[k]), rs.get(4 + k).payload());
                long extra = faults.written.get() - used;
                // Bytes of a record cut short (a new segment's whole header alone is no record, nothing to cut).
                // A record's first three bytes are its length's high bytes, zeros here: a record cut within them
                // left only zeros, which read as the file's end (as a preallocated tail does), nothing to cut.
                long recordBytes = nextRolls ? extra - FileHeader.LENGTH : extra;
                boolean zerosOnly = recordBytes >= 1 && recordBytes <= 3;
                boolean partial = faults.crashed && extra > 0 && !(nextRolls && extra == FileHeader.LENGTH) && !zerosOnly;
                // A crash right after a new segment file was created leaves it empty: cut too, 0 bytes.
                if (!partial) assertTrue(j.tornTail() == null || j.tornTail().bytes() == 0, "budget " + budget + ": " + j.tornTail());
                if (partial) assertTrue(j.tornTail().describe().contains("torn tail truncated"), j.tornTail().describe());
                appendSynced(j, 5 + whole, 2);   // and goes on from there
            }
            try (Journal j = Journal.open(dir, opts)) {
                assertNull(j.tornTail(), "truncated once, clean after");
                assertEquals(6 + whole, j.nextSeq() - 1);
            }
        }
        assertEquals(3L * RecordFormat.OVERHEAD + 170 + FileHeader.LENGTH, batchBytes, "the batch was written whole at the last budget");
    }

    /**
     * The same batch crashed at every byte with segments preallocated in zeros (the default layout):
     * the crash may land in the zeros, the header or a record. The journal always reopens, never as
     * damage, with the synced records and a prefix of the batch, every record whole (all three when
     * the batch's ticket completed); it goes on from there, and the next open is clean.
     */
    @Test
    void aCrashAtEveryByteOverPreallocatedSegmentsLeavesAPrefixOfWholeRecords() throws IOException {
        JournalOptions opts = JournalOptions.defaults().withSegmentBytes(600).withPreallocateBytes(256);
        int[] sizes = {20, 120, 30};
        Path template = fourSyncedRecords(tmp.resolve("synced-pre"), opts);
        long recordsEnd = FileHeader.LENGTH + 4L * (RecordFormat.OVERHEAD + 100);
        for (Segment s : Segment.list(template))
            assertTrue(Files.size(s.path()) > recordsEnd && Files.size(s.path()) <= 600, "zeros after the records, within the segment size: " + s);
        long total = -1;
        for (long budget = 0; total < 0 || budget <= total; budget++) {
            Path dir = tmp.resolve("crash-pre-" + budget);
            Crash c = crashBatch(template, dir, opts, budget, sizes);
            boolean durable = c.durable();
            if (!c.faults().crashed) total = c.faults().written.get();
            long whole;
            try (Journal j = Journal.open(dir, opts)) {
                whole = j.recordsFound() - 4;
                assertTrue(whole >= 0 && whole <= 3, "budget " + budget + ": " + j.recordsFound() + " records");
                if (durable) assertEquals(3, whole, "budget " + budget + ": a durable batch is whole");
                List<JournalRecord> rs = replay(j, 1);
                assertEquals(4 + whole, rs.size());
                for (int k = 0; k < 4; k++) assertArrayEquals(payload(1 + k, 100), rs.get(k).payload());
                for (int k = 0; k < whole; k++) assertArrayEquals(payload(5 + k, sizes[k]), rs.get(4 + k).payload());
                appendSynced(j, 5 + whole, 2);   // and goes on from there
            }
            try (Journal j = Journal.open(dir, opts)) {
                assertNull(j.tornTail(), "budget " + budget + ": clean after the first open");
                assertEquals(6 + whole, j.nextSeq() - 1);
                assertEquals(6 + whole, replay(j, 1).size());
            }
        }
        assertTrue(total > 3L * RecordFormat.OVERHEAD + 170, "the zeros were written too: " + total);
    }

    /** Zeros in the middle of a preallocated segment with a valid record after them are damage, not its end. */
    @Test
    void zerosFollowedByARecordAreDamageNotAnEnd() throws IOException {
        Path dir = tmp.resolve("zero-gap");
        JournalOptions opts = JournalOptions.defaults().withSegmentBytes(4_096).withPreallocateBytes(4_096);
        try (Journal j = Journal.open(dir, opts)) {
            for (long s = 1; s <= 3; s++) j.append(0, payload(s, 100));
            j.commit().durable().join();
        }
        Path seg = Segment.list(dir).get(0).path();
        long second = FileHeader.LENGTH + RecordFormat.OVERHEAD + 100;
        try (FileChannel ch = FileChannel.open(seg, StandardOpenOption.WRITE)) {
            ch.write(ByteBuffer.allocate(RecordFormat.OVERHEAD + 100), second);   // record 2 never reached the disk
        }
        JournalCorruptException e = assertThrows(JournalCorruptException.class, () -> Journal.open(dir, opts));
        assertEquals(second, e.offset());
    }

    @Test
    void aFailedFsyncFailsItsTicketAndEveryLaterOne() throws IOException {
        Path dir = tmp.resolve("j");
        FaultyChannel.Faults faults = new FaultyChannel.Faults(Long.MAX_VALUE);
        try (Journal j = Journal.open(dir, JournalOptions.defaults().withOpener(faults.opener()))) {
            appendSynced(j, 1, 3);
            faults.failForce = true;
            j.append(0, payload(4, 10));
            SyncTicket t = j.commit();
            CompletionException e = assertThrows(CompletionException.class, () -> t.durable().join());
            assertTrue(e.getCause().getMessage().contains("nothing after seq 3 is durable"), e.getCause().getMessage());
            assertEquals(3, j.durableSeq());
            faults.failForce = false;   // a later success would prove nothing: the lost pages are gone
            j.append(0, payload(5, 10));
            assertThrows(CompletionException.class, () -> j.commit().durable().join());
        }
        // Written but never synced: on reopen it may be there (here the page cache kept it), never partly.
        try (Journal j = Journal.open(dir, JournalOptions.defaults())) {
            assertTrue(j.recordsFound() == 3 || j.recordsFound() == 4);
            assertNull(j.tornTail());
        }
    }

    @Test
    void aCorruptRecordWithValidRecordsAfterItIsReportedNotTrusted() throws IOException {
        Path dir = tmp.resolve("j");
        long[] offsets = new long[11];
        try (Journal j = Journal.open(dir, JournalOptions.defaults())) {
            long off = FileHeader.LENGTH;
            for (long s = 1; s <= 10; s++) {
                offsets[(int) s] = off;
                off += RecordFormat.OVERHEAD + (s * 13 % 300);
            }
            appendSynced(j, 1, 10);
        }
        Path seg = Segment.of(dir, 1).path();
        byte[] good = Files.readAllBytes(seg);
        // A flipped bit in record 5's payload, type, seq or length field: damage, with the seq it starts at.
        for (long at : new long[] {offsets[5] + RecordFormat.OVERHEAD + 3, offsets[5] + 16, offsets[5] + 9, offsets[5] + 1}) {
            byte[] b = good.clone();
            b[(int) at] ^= 0x04;
            Files.write(seg, b);
            JournalCorruptException e = assertThrows(JournalCorruptException.class, () -> Journal.open(dir, JournalOptions.defaults()));
            assertEquals(5, e.expectedSeq(), e.getMessage());
            assertEquals(offsets[5], e.offset());
            assertTrue(e.validAt() > offsets[5], e.getMessage());
            assertTrue(e.getMessage().contains("repaired from the other replicas"), e.getMessage());
            assertArrayEquals(b, Files.readAllBytes(seg), "nothing is truncated on damage");
        }
        // The same flip in the last record is a torn tail: cut off, the nine before it kept.
        byte[] b = good.clone();
        b[(int) offsets[10] + RecordFormat.OVERHEAD + 1] ^= 0x04;
        Files.write(seg, b);
        try (Journal j = Journal.open(dir, JournalOptions.defaults())) {
            assertEquals(9, j.recordsFound());
            assertNotNull(j.tornTail());
            assertEquals(offsets[10], j.tornTail().offset());
            assertTrue(j.tornTail().reason().contains("checksum mismatch"), j.tornTail().reason());
            assertEquals(offsets[10], Files.size(seg));
        }
    }

    /**
     * Issue 12 item 1: damage in the middle is moved aside, never replayed; the journal then opens
     * with the records before it and goes on from there. Across segments, later files go aside whole.
     */
    @Test
    void quarantiningDamageKeepsTheRecordsBeforeItAndMovesTheRestAside() throws IOException {
        Path dir = tmp.resolve("j");
        JournalOptions small = JournalOptions.defaults().withSegmentBytes(600);
        try (Journal j = Journal.open(dir, small)) {
            for (long s = 1; s <= 40; s += 4) appendSynced(j, s, 4);
        }
        List<Segment> segs = Segment.list(dir);
        assertTrue(segs.size() >= 4, "segments " + segs);
        Path second = segs.get(1).path();
        long secondFirst = segs.get(1).firstSeq();
        byte[] b = Files.readAllBytes(second);
        int at = FileHeader.LENGTH + 5;   // inside the segment's first record
        b[at] ^= 0x01;
        Files.write(second, b);
        long expectedBytes = b.length - FileHeader.LENGTH;
        for (int k = 2; k < segs.size(); k++) expectedBytes += Files.size(segs.get(k).path());
        JournalCorruptException e = assertThrows(JournalCorruptException.class, () -> Journal.open(dir, small));
        Path aside = tmp.resolve("aside");
        JournalDamage moved = Journal.quarantine(dir, e, aside);
        assertEquals(secondFirst, moved.firstLostSeq());
        assertEquals(segs.size() - 2, moved.laterFiles(), moved.describe());
        for (int k = 2; k < segs.size(); k++) assertTrue(Files.exists(aside.resolve(segs.get(k).path().getFileName())), "later segment " + k + " aside");
        assertEquals(expectedBytes, moved.bytes(), moved.describe());
        assertEquals(FileHeader.LENGTH, Files.size(second), "cut at the damaged record");
        try (Journal j = Journal.open(dir, small)) {
            assertEquals(secondFirst - 1, j.recordsFound(), "the records before the damage, and only those");
            assertNull(j.tornTail());
            List<Long> seqs = new ArrayList<>();
            j.replay(0, r -> seqs.add(r.seq()));
            assertEquals(secondFirst - 1, seqs.size());
            assertEquals(secondFirst - 1, (long) seqs.get(seqs.size() - 1));
            assertEquals(secondFirst, j.nextSeq(), "appends go on after the records kept");
        }
        byte[] tail = Files.readAllBytes(aside.resolve(second.getFileName() + ".from-" + FileHeader.LENGTH));
        assertArrayEquals(java.util.Arrays.copyOfRange(b, FileHeader.LENGTH, b.length), tail, "the damaged bytes are kept, as they were");
    }

    @Test
    void damageAcrossSegmentsAndAMissingSegmentAreReported() throws IOException {
        Path dir = tmp.resolve("j");
        JournalOptions small = JournalOptions.defaults().withSegmentBytes(600);
        try (Journal j = Journal.open(dir, small)) {
            for (long s = 1; s <= 40; s += 4) appendSynced(j, s, 4);
        }
        List<Segment> segs = Segment.list(dir);
        assertTrue(segs.size() >= 4, "segments " + segs);
        // The last record of the first segment damaged: valid records follow in the next segment.
        Path first = segs.get(0).path();
        byte[] b = Files.readAllBytes(first);
        try (RandomAccessFile f = new RandomAccessFile(first.toFile(), "rw")) {
            f.seek(b.length - 2);
            f.write(b[b.length - 2] ^ 0x01);
        }
        JournalCorruptException e = assertThrows(JournalCorruptException.class, () -> Journal.open(dir, small));
        assertTrue(e.getMessage().contains(segs.get(1).path().getFileName().toString()), e.getMessage());
        Files.write(first, b);
        // A segment in the middle gone.
        Files.delete(segs.get(2).path());
        e = assertThrows(JournalCorruptException.class, () -> Journal.open(dir, small));
        assertTrue(e.getMessage().contains("a segment before it is missing"), e.getMessage());
        assertEquals(segs.get(2).firstSeq(), e.expectedSeq());
    }

    @Test
    void aNewSegmentWhoseHeaderWasTornIsDroppedWhole() throws IOException {
        Path dir = tmp.resolve("j");
        try (Journal j = Journal.open(dir, JournalOptions.defaults())) {
            appendSynced(j, 1, 3);
        }
        Path torn = Segment.of(dir, 4).path();
        Files.write(torn, java.util.Arrays.copyOf(new FileHeader(FileHeader.JOURNAL, 4).encode(), 10));
        try (Journal j = Journal.open(dir, JournalOptions.defaults())) {
            assertEquals(3, j.recordsFound());
            assertFalse(Files.exists(torn));
            assertTrue(j.tornTail().reason().contains("torn"), j.tornTail().reason());
            appendSynced(j, 4, 2);
        }
    }
}
