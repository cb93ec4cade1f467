package io.bulwark.bft.durable;

/**
 * A journal's limits: a segment is closed and a new one started once it holds {@code
 * segmentBytes} (so garbage collection can delete whole files); {@code opener} opens the files the
 * write path writes (tests inject faults through it); {@code preallocateBytes}: how far ahead of its
 * records the journal extends a segment with zeros (0: never, each write grows the file; see
 * {@link Journal}'s class comment for why it does by default).
 */
public record JournalOptions(long segmentBytes, ChannelOpener opener, int preallocateBytes) {
    public static final long DEFAULT_SEGMENT_BYTES = 64L << 20;
    public static final int DEFAULT_PREALLOCATE_BYTES = 1 << 20;

    public JournalOptions {
        if (segmentBytes < FileHeader.LENGTH + RecordFormat.OVERHEAD)
            throw new IllegalArgumentException("segment size " + segmentBytes + " is below one header and one frame");
        if (preallocateBytes < 0) throw new IllegalArgumentException("preallocation of " + preallocateBytes + " bytes");
        java.util.Objects.requireNonNull(opener);
    }

    public JournalOptions(long segmentBytes, ChannelOpener opener) {
        this(segmentBytes, opener, DEFAULT_PREALLOCATE_BYTES);
    }

    public static JournalOptions defaults() { return new JournalOptions(DEFAULT_SEGMENT_BYTES, ChannelOpener.DEFAULT); }

    public JournalOptions withSegmentBytes(long bytes) { return new JournalOptions(bytes, opener, preallocateBytes); }

    public JournalOptions withOpener(ChannelOpener o) { return new JournalOptions(segmentBytes, o, preallocateBytes); }

    public JournalOptions withPreallocateBytes(int bytes) { return new JournalOptions(segmentBytes, opener, bytes); }
}
