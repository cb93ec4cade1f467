package io.bulwark.bft.durable;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;

/**
 * Streams the frames of one record file from an offset: one frame in memory at a time (bounded by
 * {@link RecordFormat#MAX_PAYLOAD}), never the whole file. {@link #next} stops at the end or at the
 * first frame that does not check out, and says why; {@link #validFrameAfter} tells a torn tail
 * (nothing valid after the bad frame) from a corrupt middle (valid frames follow it).
 * <p>
 * A reader made {@link #overPreallocated} takes zeros from a frame's start to the end of the file
 * as the end: the unused tail of a file its writer extended with zeros ahead of its records (an
 * all-zero header is never a frame: its checksum does not hold). Zeros followed by anything else
 * are still a bad frame, so a torn tail and damage read as before.
 */
public final class RecordReader {
    /** What reading at an offset found. */
    public sealed interface Step permits Ok, End, Bad {}
    /** A frame that checks out, and where the next one starts. */
    public record Ok(JournalRecord record, long offset, long next) implements Step {}
    /** The file ends exactly here, or (over a preallocated file) only zeros follow. */
    public record End(long offset) implements Step {}
    /** No valid frame at {@code offset}: {@code reason} says why. */
    public record Bad(long offset, String reason) implements Step {}

    private final FileChannel ch;
    private final long size;
    private final boolean zeroTailEnds;
    private long pos;

    public RecordReader(FileChannel ch, long start) throws IOException {
        this(ch, start, false);
    }

    private RecordReader(FileChannel ch, long start, boolean zeroTailEnds) throws IOException {
        this.ch = ch;
        this.size = ch.size();
        this.pos = start;
        this.zeroTailEnds = zeroTailEnds;
    }

    /** A reader of a file whose writer preallocates it with zeros: see the class comment. */
    public static RecordReader overPreallocated(FileChannel ch, long start) throws IOException {
        return new RecordReader(ch, start, true);
    }

    public long position() { return pos; }

    /** The frame at the current position, expected to carry {@code expectedSeq} (any, if negative). */
    public Step next(long expectedSeq) throws IOException {
        if (pos == size) return new End(pos);
        Step s = frameAt(pos, expectedSeq);
        if (s instanceof Ok ok) pos = ok.next();
        else if (zeroTailEnds && zerosToEnd(pos)) return new End(pos);
        return s;
    }

    /** Whether every byte from {@code at} to the end of the file is zero. */
    private boolean zerosToEnd(long at) throws IOException {
        ByteBuffer buf = ByteBuffer.allocate(64 << 10);
        for (long p = at; p < size; ) {
            buf.clear();
            buf.limit((int) Math.min(buf.capacity(), size - p));
            readFully(buf, p);
            for (int i = 0; i < buf.limit(); i++) if (buf.get(i) != 0) return false;
            p += buf.limit();
        }
        return true;
    }

    private Step frameAt(long at, long expectedSeq) throws IOException {
        if (size - at < RecordFormat.OVERHEAD)
            return new Bad(at, (size - at) + " bytes left, a frame needs at least " + RecordFormat.OVERHEAD + " (torn)");
        ByteBuffer head = ByteBuffer.allocate(RecordFormat.OVERHEAD);
        readFully(head, at);
        int length = head.getInt(0);
        if (length < 0 || length > RecordFormat.MAX_PAYLOAD) return new Bad(at, "length " + length + " outside 0.." + RecordFormat.MAX_PAYLOAD);
        if (at + RecordFormat.OVERHEAD + length > size)
            return new Bad(at, "a frame of " + (RecordFormat.OVERHEAD + length) + " bytes runs past the end (" + (size - at) + " bytes left; torn)");
        long seq = head.getLong(8);
        if (expectedSeq >= 0 && seq != expectedSeq) {
            // A bad seq in a frame whose checksum holds is a misplaced frame; without the checksum it is damage.
            return new Bad(at, "seq " + seq + ", expected " + expectedSeq);
        }
        byte[] frame = new byte[RecordFormat.OVERHEAD + length];
        System.arraycopy(head.array(), 0, frame, 0, RecordFormat.OVERHEAD);
        readFully(ByteBuffer.wrap(frame, RecordFormat.OVERHEAD, length), at + RecordFormat.OVERHEAD);
        if (RecordFormat.crc(frame, length) != head.getInt(4)) return new Bad(at, "checksum mismatch (seq field " + seq + ")");
        byte[] payload = new byte[length];
        System.arraycopy(frame, RecordFormat.OVERHEAD, payload, 0, length);
        return new Ok(new JournalRecord(seq, frame[16] & 0xFF, payload), at, at + frame.length);
    }

    /**
     * The offset of the first frame after {@code from} (exclusive) whose checksum holds and whose
     * seq is above {@code afterSeq}, or -1. Scans byte by byte in 1 MiB windows: only the length
     * bound and the seq range are tested at most offsets, the checksum only where both pass.
     */
    public long validFrameAfter(long from, long afterSeq) throws IOException {
        // A real frame after a bad one carries a seq at most one per frame-overhead further on.
        long maxSeq = afterSeq + 1 + (size - from) / RecordFormat.OVERHEAD + 1;
        int window = 1 << 20;
        ByteBuffer buf = ByteBuffer.allocate(window + RecordFormat.OVERHEAD);
        for (long base = from + 1; base + RecordFormat.OVERHEAD <= size; base += window) {
            buf.clear();
            buf.limit((int) Math.min(buf.capacity(), size - base));
            readFully(buf, base);
            int n = buf.limit();
            for (int i = 0; i < window && i + RecordFormat.OVERHEAD <= n; i++) {
                int length = buf.getInt(i);
                if (length < 0 || length > RecordFormat.MAX_PAYLOAD || base + i + RecordFormat.OVERHEAD + length > size) continue;
                long seq = buf.getLong(i + 8);
                if (seq <= afterSeq || seq > maxSeq) continue;
                if (frameAt(base + i, -1) instanceof Ok) return base + i;
            }
        }
        return -1;
    }

    private void readFully(ByteBuffer b, long at) throws IOException {
        long p = at;
        while (b.hasRemaining()) {
            int r = ch.read(b, p);
            if (r < 0) throw new IOException("file ends at " + p + " while reading a frame at " + at);
            p += r;
        }
    }
}
