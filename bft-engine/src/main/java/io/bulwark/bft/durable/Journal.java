package io.bulwark.bft.durable;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * An append-only log of checksummed records ({@link RecordFormat}) in segment files ({@link
 * Segment}, each starting with a {@link FileHeader}), with group commit.
 * <p>
 * <b>Writing.</b> {@link #append} (the caller's thread, no I/O) gives a record the next seq and
 * buffers it; {@link #commit} hands everything appended so far to the journal's sync thread and
 * returns a {@link SyncTicket}. The sync thread writes each batch with one write per segment and
 * covers it with one {@code force}: commits made while a force runs are covered together by the
 * next one. A node appends the records of one event-loop iteration, commits once, and sends what
 * depends on them when the ticket completes (etcd's {@code Ready}/{@code MustSync}; paper section
 * 4.3: a replica must not forget messages it sent). A failed write or force fails its ticket and
 * every later one: after a failed fsync the page cache's state is unknown, so nothing is retried.
 * <p>
 * <b>Opening.</b> Every segment is read frame by frame (one frame in memory at a time). The first
 * frame that fails its check ends the log: if no valid frame follows it anywhere, it is a write a
 * crash cut short, truncated and reported ({@link #tornTail}); if a valid frame follows, the log is
 * damaged and {@link #open} throws {@link JournalCorruptException}: the damaged records are never
 * replayed, and the node repairs them from the other replicas.
 * <p>
 * <b>Preallocation.</b> The sync thread extends the segment it writes with zeros
 * ({@link JournalOptions#preallocateBytes} at a time, 1 MiB by default, never past the segment size) ahead of its records,
 * so that a force after a write changes no file size and no block map: on ext4 an {@code fdatasync}
 * then commits no metadata, which measured 99–109 µs instead of 140–149 µs a sync (38–48 µs of the
 * process's CPU instead of 58–68) on this project's machine. Readers take zeros to a segment's end
 * as its end ({@link RecordReader#overPreallocated}); zeros with anything after them are still a
 * bad frame, so torn tails and damage read as before.
 * <p>
 * <b>Garbage collection.</b> {@link #truncateBelow} deletes whole segments below a stable
 * checkpoint's seq (paper section 4.3); records below it may remain in the segment still written.
 */
public final class Journal implements AutoCloseable {
    private static final System.Logger LOG = System.getLogger(Journal.class.getName());
    private static final byte[] ZEROS = new byte[64 << 10];

    private final Path dir;
    private final JournalOptions options;
    private final ExecutorService syncer;
    private final TornTail tornTail;
    private final long recordsFound;

    private final Object lock = new Object();
    // ---- guarded by lock ----
    private final List<Segment> segments;
    private List<byte[]> pending = new ArrayList<>();
    private List<SyncTicket> waiting = new ArrayList<>();
    private boolean flushQueued, closed;
    private long nextSeq;
    private IOException failure;
    // ---- written by the sync thread ----
    private volatile long durableSeq;
    private FileChannel active;
    /** Where the next record of the active segment goes (its records end here). */
    private long activeSize;
    /** The active segment's file size: its records, then zeros. */
    private long activeAllocated;
    /** Where the records of the last segment found at open end (its file may go on with zeros). */
    private final long lastSegmentEnd;
    private volatile long forces;
    /** The last segment found at open has been opened for appending (later segments are always new files). */
    private boolean reopened;

    private Journal(Path dir, JournalOptions options, List<Segment> segments, long nextSeq, long recordsFound, TornTail tornTail,
                    long lastSegmentEnd) {
        this.dir = dir;
        this.lastSegmentEnd = lastSegmentEnd;
        this.options = options;
        this.segments = segments;
        this.nextSeq = nextSeq;
        this.durableSeq = nextSeq - 1;
        this.recordsFound = recordsFound;
        this.tornTail = tornTail;
        this.syncer = Executors.newSingleThreadExecutor(r -> {
            Thread t = new Thread(r, "bulwark-journal-sync " + dir.getFileName());
            t.setDaemon(true);
            return t;
        });
    }

    /** Opens (or creates) the journal in {@code dir}: see the class comment for what is checked. */
    public static Journal open(Path dir, JournalOptions options) throws IOException {
        Files.createDirectories(dir);
        List<Segment> segs = new ArrayList<>(Segment.list(dir));
        long expect = segs.isEmpty() ? 1 : segs.get(0).firstSeq();
        long found = 0;
        long lastEnd = 0;
        TornTail torn = null;
        scan:
        for (int i = 0; i < segs.size(); i++) {
            Segment seg = segs.get(i);
            try (FileChannel ch = FileChannel.open(seg.path(), StandardOpenOption.READ)) {
                String[] why = new String[1];
                FileHeader h = FileHeader.read(ch, seg.path(), FileHeader.JOURNAL, why);
                if (h != null && h.firstSeq() != seg.firstSeq()) why[0] = seg.path() + ": header names seq " + h.firstSeq() + ", the file name " + seg.firstSeq();
                if (why[0] != null) {
                    torn = cutOrFail(segs, i, 0, expect, why[0]);
                    break;   // segment i is gone; lastEnd is where segment i - 1's records end
                }
                if (seg.firstSeq() != expect)
                    throw new JournalCorruptException(seg.path(), 0, expect, FileHeader.LENGTH,
                            "the segment starts at seq " + seg.firstSeq() + " (a segment before it is missing)");
                RecordReader r = RecordReader.overPreallocated(ch, FileHeader.LENGTH);
                while (true) {
                    RecordReader.Step s = r.next(expect);
                    if (s instanceof RecordReader.End e) {
                        lastEnd = e.offset();
                        break;
                    }
                    if (s instanceof RecordReader.Bad b) {
                        torn = cutOrFail(segs, i, b.offset(), expect, b.reason());
                        // Cut at the bad frame (the file now ends there), or gone if not even its header held.
                        if (segs.size() > i) lastEnd = Files.size(segs.get(i).path());
                        break scan;
                    }
                    expect++;
                    found++;
                }
            }
        }
        if (torn != null) LOG.log(System.Logger.Level.WARNING, "journal " + dir + ": " + torn.describe());
        return new Journal(dir, options, segs, expect, found, torn, lastEnd);
    }

    /**
     * The first bad frame is at {@code offset} of segment {@code i}: damage if a valid frame
     * follows (thrown), otherwise a torn tail, cut off here ({@code segs} loses the files cut).
     */
    private static TornTail cutOrFail(List<Segment> segs, int i, long offset, long expectSeq, String reason) throws IOException {
        Segment seg = segs.get(i);
        long from = Math.max(offset, FileHeader.LENGTH - 1);
        for (int j = i; j < segs.size(); j++) {
            try (FileChannel ch = FileChannel.open(segs.get(j).path(), StandardOpenOption.READ)) {
                long at = new RecordReader(ch, 0).validFrameAfter(j == i ? from : FileHeader.LENGTH - 1, expectSeq - 1);
                if (at >= 0)
                    throw new JournalCorruptException(seg.path(), offset, expectSeq, at,
                            reason + (j == i ? "" : " (the valid record is in " + segs.get(j).path().getFileName() + ")"));
            }
        }
        long bytes = 0;
        int later = segs.size() - i - 1;
        for (int j = segs.size() - 1; j > i; j--) {
            bytes += Files.size(segs.get(j).path());
            Files.delete(segs.get(j).path());
            segs.remove(j);
        }
        long size = Files.size(seg.path());
        bytes += size - offset;
        if (offset < FileHeader.LENGTH) {
            Files.delete(seg.path());   // not even its header survived: no record lived in it
            segs.remove(i);
        } else {
            try (FileChannel ch = FileChannel.open(seg.path(), StandardOpenOption.WRITE)) {
                ch.truncate(offset);
                ch.force(true);
            }
        }
        AtomicFile.syncDirectory(seg.path().getParent());
        return new TornTail(seg.path(), offset, bytes, later, reason);
    }

    /**
     * After {@link #open} reported {@code damage} (valid records after a bad one, or a segment
     * missing): moves everything from the damaged record on — the rest of its segment and every later
     * segment — into the new directory {@code aside}, so that the journal opens again with the records
     * before the damage only. Nothing moved is ever replayed; it stays for the operator. The caller
     * owns what this means: the records lost may be messages this replica sent, so it must recover
     * (section 4.4: estimation, recovery request, state checked and fetched) and count as faulty
     * until it has. Also what a power loss can leave (the class comment of the package: a later page
     * of an unsynced batch written back before an earlier one), where nothing lost was ever sent.
     */
    public static JournalDamage quarantine(Path dir, JournalCorruptException damage, Path aside) throws IOException {
        List<Segment> segs = Segment.list(dir);
        int i = -1;
        for (int k = 0; k < segs.size(); k++) if (segs.get(k).path().equals(damage.file())) i = k;
        if (i < 0) throw new IOException(damage.file() + " is not a segment of " + dir + " (it changed since it was opened)");
        Files.createDirectories(aside);
        Segment seg = segs.get(i);
        long offset = damage.offset(), bytes = 0;
        int later = 0;
        for (int j = segs.size() - 1; j > i; j--) {
            bytes += Files.size(segs.get(j).path());
            Files.move(segs.get(j).path(), aside.resolve(segs.get(j).path().getFileName()));
            later++;
        }
        if (offset < FileHeader.LENGTH) {
            bytes += Files.size(seg.path());
            Files.move(seg.path(), aside.resolve(seg.path().getFileName()));
        } else {
            // The damaged part of this segment is copied aside (synced) before the segment is cut.
            Path tail = aside.resolve(seg.path().getFileName() + ".from-" + offset);
            try (FileChannel in = FileChannel.open(seg.path(), StandardOpenOption.READ, StandardOpenOption.WRITE);
                 FileChannel out = FileChannel.open(tail, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
                long size = in.size();
                for (long at = offset; at < size; ) at += in.transferTo(at, size - at, out);
                out.force(true);
                bytes += size - offset;
                in.truncate(offset);
                in.force(true);
            }
        }
        AtomicFile.syncDirectory(aside);
        AtomicFile.syncDirectory(dir);
        return new JournalDamage(seg.path(), offset, damage.expectedSeq(), bytes, later, aside, damage.getMessage());
    }

    /** What opening cut off as a torn write, or null. */
    public TornTail tornTail() { return tornTail; }

    /** Records found valid when opened. */
    public long recordsFound() { return recordsFound; }

    /** The seq the next {@link #append} gets. */
    public long nextSeq() {
        synchronized (lock) { return nextSeq; }
    }

    /** Every record up to this seq is on disk. */
    public long durableSeq() { return durableSeq; }

    /** How many times the sync thread forced the journal (group commit: far fewer than commits under load). */
    public long forces() { return forces; }

    /** The segment files, oldest first. */
    public List<Segment> segments() {
        synchronized (lock) { return List.copyOf(segments); }
    }

    /** Buffers a record (no I/O); it is written by the next {@link #commit}. Returns its seq. */
    public long append(int type, byte[] payload) {
        synchronized (lock) {
            usable();
            byte[] frame = RecordFormat.encode(nextSeq, type, payload);
            pending.add(frame);
            return nextSeq++;
        }
    }

    /** Hands every record appended so far to the sync thread; the ticket completes once they are on disk. */
    public SyncTicket commit() {
        synchronized (lock) {
            usable();
            long upTo = nextSeq - 1;
            SyncTicket t = new SyncTicket(upTo, new CompletableFuture<>());
            if (failure != null) {
                t.durable().completeExceptionally(failure);
                return t;
            }
            if (upTo <= durableSeq && pending.isEmpty()) {
                t.durable().complete(null);
                return t;
            }
            waiting.add(t);
            if (!flushQueued) {
                flushQueued = true;
                syncer.execute(this::flush);
            }
            return t;
        }
    }

    private void usable() {
        if (closed) throw new IllegalStateException("journal " + dir + " is closed");
    }

    /** The sync thread: writes every batch handed over since the last run, forces once, completes their tickets. */
    private void flush() {
        List<byte[]> frames;
        List<SyncTicket> tickets;
        IOException failed;
        synchronized (lock) {
            frames = pending;
            tickets = waiting;
            pending = new ArrayList<>();
            waiting = new ArrayList<>();
            flushQueued = false;
            failed = failure;
        }
        if (failed == null) {
            try {
                write(frames);
                long last = tickets.isEmpty() ? durableSeq : tickets.get(tickets.size() - 1).upTo();
                if (!frames.isEmpty()) last = Math.max(last, ByteBuffer.wrap(frames.get(frames.size() - 1)).getLong(8));
                durableSeq = Math.max(durableSeq, last);
            } catch (IOException | RuntimeException e) {
                failed = e instanceof IOException io ? io : new IOException(e);
                synchronized (lock) {
                    if (failure == null) failure = new IOException("journal " + dir + ": a write or fsync failed; nothing after seq "
                            + durableSeq + " is durable: " + e.getMessage(), e);
                    failed = failure;
                }
                LOG.log(System.Logger.Level.ERROR, failed.getMessage(), e);
            }
        }
        for (SyncTicket t : tickets) {
            if (failed == null) t.durable().complete(null);
            else t.durable().completeExceptionally(failed);
        }
    }

    private void write(List<byte[]> frames) throws IOException {
        if (frames.isEmpty()) return;
        boolean created = false;
        List<byte[]> batch = new ArrayList<>();
        long batchBytes = 0;
        for (byte[] frame : frames) {
            boolean full = active != null && activeSize + batchBytes > FileHeader.LENGTH
                    && activeSize + batchBytes + frame.length > options.segmentBytes();
            if (active == null || full) {
                writeBatch(batch, batchBytes);
                batch.clear();
                batchBytes = 0;
                if (active != null) {
                    // The older segment is whole on disk before the newer one gets a record, so a
                    // crash never leaves a gap followed by valid records (which would read as damage).
                    active.force(false);
                    active.close();
                    active = null;
                }
                created |= openActive(ByteBuffer.wrap(frame).getLong(8));
            }
            batch.add(frame);
            batchBytes += frame.length;
        }
        writeBatch(batch, batchBytes);
        active.force(false);
        forces++;
        if (created) AtomicFile.syncDirectory(dir);
    }

    /** Opens the last segment for appending, or starts a new one at {@code seq}; true if a file was created. */
    private boolean openActive(long seq) throws IOException {
        Segment last;
        synchronized (lock) { last = segments.isEmpty() ? null : segments.get(segments.size() - 1); }
        if (!reopened && last != null && lastSegmentEnd < options.segmentBytes()) {
            reopened = true;
            active = options.opener().open(last.path(), Set.of(StandardOpenOption.WRITE));
            activeSize = lastSegmentEnd;
            activeAllocated = active.size();
            return false;
        }
        reopened = true;
        Segment seg = Segment.of(dir, seq);
        active = options.opener().open(seg.path(), Set.of(StandardOpenOption.WRITE, StandardOpenOption.CREATE_NEW));
        activeSize = 0;
        activeAllocated = 0;
        synchronized (lock) { segments.add(seg); }
        writeFully(ByteBuffer.wrap(new FileHeader(FileHeader.JOURNAL, seq).encode()));
        return true;
    }

    private void writeBatch(List<byte[]> batch, long bytes) throws IOException {
        if (batch.isEmpty()) return;
        ByteBuffer b = ByteBuffer.allocate(Math.toIntExact(bytes));
        for (byte[] f : batch) b.put(f);
        b.flip();
        writeFully(b);
    }

    private void writeFully(ByteBuffer b) throws IOException {
        preallocate(activeSize + b.remaining());
        while (b.hasRemaining()) activeSize += active.write(b, activeSize);
    }

    /**
     * Extends the active segment with zeros to at least {@code end}: the preallocation step past
     * what it has, but not past the segment size unless one record needs it. The next force makes
     * the zeros durable with the records; later forces then only write data (class comment).
     */
    private void preallocate(long end) throws IOException {
        if (options.preallocateBytes() == 0 || end <= activeAllocated) return;
        long target = Math.max(end, Math.min(activeAllocated + options.preallocateBytes(), options.segmentBytes()));
        for (long at = activeAllocated; at < target; ) {
            ByteBuffer z = ByteBuffer.wrap(ZEROS, 0, (int) Math.min(ZEROS.length, target - at));
            while (z.hasRemaining()) at += active.write(z, at);
        }
        activeAllocated = target;
    }

    /**
     * Streams the durable records with seq {@code fromSeq} and above, in order, to {@code sink}:
     * one record in memory at a time. Not concurrently with {@link #truncateBelow}.
     */
    public void replay(long fromSeq, Consumer<JournalRecord> sink) throws IOException {
        long limit = durableSeq;
        List<Segment> segs = segments();
        for (int i = 0; i < segs.size(); i++) {
            if (i + 1 < segs.size() && segs.get(i + 1).firstSeq() <= fromSeq) continue;
            Segment seg = segs.get(i);
            try (FileChannel ch = FileChannel.open(seg.path(), StandardOpenOption.READ)) {
                String[] why = new String[1];
                if (FileHeader.read(ch, seg.path(), FileHeader.JOURNAL, why) == null)
                    throw new JournalCorruptException(seg.path(), 0, seg.firstSeq(), -1, why[0] + " (changed since the journal was opened)");
                RecordReader r = RecordReader.overPreallocated(ch, FileHeader.LENGTH);
                for (long expect = seg.firstSeq(); expect <= limit; expect++) {
                    RecordReader.Step s = r.next(expect);
                    if (s instanceof RecordReader.End) break;
                    if (s instanceof RecordReader.Bad b)
                        throw new JournalCorruptException(seg.path(), b.offset(), expect, -1, b.reason() + " (changed since the journal was opened)");
                    JournalRecord rec = ((RecordReader.Ok) s).record();
                    if (rec.seq() >= fromSeq) sink.accept(rec);
                }
            }
        }
    }

    /**
     * Deletes every segment all of whose records are below {@code seq} (never the one being
     * written), on the sync thread after the writes handed over before it. Completes with the number
     * of files deleted.
     */
    public CompletableFuture<Integer> truncateBelow(long seq) {
        CompletableFuture<Integer> done = new CompletableFuture<>();
        synchronized (lock) {
            usable();
            syncer.execute(() -> {
                try {
                    List<Segment> gone = new ArrayList<>();
                    synchronized (lock) {
                        while (segments.size() > 1 && segments.get(1).firstSeq() <= seq) gone.add(segments.remove(0));
                    }
                    for (Segment s : gone) Files.deleteIfExists(s.path());
                    if (!gone.isEmpty()) AtomicFile.syncDirectory(dir);
                    done.complete(gone.size());
                } catch (IOException | RuntimeException e) {
                    done.completeExceptionally(e);
                }
            });
        }
        return done;
    }

    /**
     * Waits for the commits handed over to finish, then closes the files. Records appended but
     * never committed are dropped (nothing waited for them).
     */
    @Override public void close() throws IOException {
        synchronized (lock) {
            if (closed) return;
            closed = true;
        }
        syncer.shutdown();
        try {
            if (!syncer.awaitTermination(60, TimeUnit.SECONDS)) LOG.log(System.Logger.Level.WARNING, "journal " + dir + ": a sync did not finish within 60 s");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        if (active != null) active.close();
    }
}
