package io.bulwark.bft.durable;

/**
 * A journal's limits: a segment is closed and a new one started once it holds {@code
 * segmentBytes} (so garbage collection can delete whole files); {@code opener} opens the files the
 * write path writes (tests inject faults through it).
 */
public record JournalOptions(long segmentBytes, ChannelOpener opener) {
    public static final long DEFAULT_SEGMENT_BYTES = 64L << 20;

    public JournalOptions {
        if (segmentBytes < FileHeader.LENGTH + RecordFormat.OVERHEAD)
            throw new IllegalArgumentException("segment size " + segmentBytes + " is below one header and one frame");
        java.util.Objects.requireNonNull(opener);
    }

    public static JournalOptions defaults() { return new JournalOptions(DEFAULT_SEGMENT_BYTES, ChannelOpener.DEFAULT); }

    public JournalOptions withSegmentBytes(long bytes) { return new JournalOptions(bytes, opener); }

    public JournalOptions withOpener(ChannelOpener o) { return new JournalOptions(segmentBytes, o); }
}
