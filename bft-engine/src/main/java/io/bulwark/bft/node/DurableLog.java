package io.bulwark.bft.node;

import io.bulwark.bft.config.ProtocolConfig;
import io.bulwark.bft.core.LogEntry;
import io.bulwark.bft.core.Replica;
import io.bulwark.bft.crypto.Digest;
import io.bulwark.bft.durable.Journal;
import io.bulwark.bft.durable.JournalOptions;
import io.bulwark.bft.durable.SyncTicket;
import io.bulwark.bft.msg.CodecLimits;
import io.bulwark.bft.msg.DecodeException;
import io.bulwark.bft.msg.Message;
import io.bulwark.bft.msg.MessageCodec;
import io.bulwark.bft.msg.NewView;
import io.bulwark.bft.msg.PrePrepare;
import io.bulwark.bft.msg.RejectReason;
import io.bulwark.bft.msg.ViewChange;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.List;

/**
 * A replica's {@link LogEntry}s in its data dir's {@link Journal} (issue 12 items 1 and 2): their
 * encoding, the replay at a restart, and compaction after a saved checkpoint.
 * <p>
 * Record types and payloads: 1 pre-prepared, 4 view-change sent, 5 new-view installed, 6 another
 * replica's view-change that the new view names: the
 * message's self-describing encoding ({@link MessageCodec#encode}); 2 prepared, 3 committed:
 * {@code [i64 view][i64 seq][32 digest]}; 7 votes reserved: {@code [i64 view][i64 up to]}; 8 stopped: empty. Payloads are decoded fail-closed: a record that passed
 * its checksum but does not decode is not this version's journal, and the replica refuses to start.
 */
final class DurableLog implements AutoCloseable {
    static final String DIR = "journal";
    private static final int PRE_PREPARED = 1, PREPARED = 2, COMMITTED = 3, VIEW_CHANGE_SENT = 4, NEW_VIEW_INSTALLED = 5,
            VIEW_CHANGE_NAMED = 6, VOTES_RESERVED = 7, STOPPED = 8;
    private static final int VOTE_BYTES = 8 + 8 + Digest.LENGTH;

    private final Journal journal;
    private final MessageCodec codec;
    long compactions;

    private DurableLog(Journal journal, ProtocolConfig cfg) {
        this.journal = journal;
        // The protocol's limits: batches keep their requests' client authenticators.
        this.codec = new MessageCodec(CodecLimits.of(cfg, io.bulwark.bft.crypto.MacAlgorithm.TAG_LENGTH));
    }

    static DurableLog open(Path dataDir, ProtocolConfig cfg) throws IOException {
        return new DurableLog(Journal.open(dataDir.resolve(DIR), JournalOptions.defaults()), cfg);
    }

    Journal journal() { return journal; }

    /** Feeds every durable entry to {@code core} (after its restore, before its start); returns how many. */
    long replayInto(Replica core, long now) throws IOException {
        long[] count = {0};
        IOException[] bad = {null};
        journal.replay(0, rec -> {
            if (bad[0] != null) return;
            try {
                core.replay(now, decode(rec.type(), rec.payload()));
                count[0]++;
            } catch (DecodeException | RuntimeException e) {
                bad[0] = new IOException("journal record " + rec.seq() + " (type " + rec.type() + ") cannot be replayed: " + e.getMessage(), e);
            }
        });
        if (bad[0] != null) throw bad[0];
        core.replayed(now);
        return count[0];
    }

    void append(LogEntry e) { journal.append(typeOf(e), encode(e)); }

    SyncTicket commit() { return journal.commit(); }

    /**
     * After checkpoint h was saved and is the replica's low water mark: when the journal has more
     * than one segment, writes {@code image} (what a restart from h needs) and deletes the segments
     * before it once it is durable (the deletion runs on the sync thread after the image's write).
     */
    void compact(List<LogEntry> image) {
        if (journal.segments().size() < 2) return;
        long first = journal.nextSeq();
        for (LogEntry e : image) append(e);
        journal.commit();
        journal.truncateBelow(first);
        compactions++;
    }

    @Override public void close() throws IOException { journal.close(); }

    // ---- encoding ----

    private static int typeOf(LogEntry e) {
        if (e instanceof LogEntry.PrePrepared) return PRE_PREPARED;
        if (e instanceof LogEntry.Prepared) return PREPARED;
        if (e instanceof LogEntry.Committed) return COMMITTED;
        if (e instanceof LogEntry.ViewChangeSent) return VIEW_CHANGE_SENT;
        if (e instanceof LogEntry.ViewChangeNamed) return VIEW_CHANGE_NAMED;
        if (e instanceof LogEntry.VotesReserved) return VOTES_RESERVED;
        if (e instanceof LogEntry.Stopped) return STOPPED;
        return NEW_VIEW_INSTALLED;
    }

    static byte[] encode(LogEntry e) {
        if (e instanceof LogEntry.PrePrepared p) return MessageCodec.encode(p.prePrepare());
        if (e instanceof LogEntry.Prepared p) return vote(p.view(), p.seq(), p.digest());
        if (e instanceof LogEntry.Committed c) return vote(c.view(), c.seq(), c.digest());
        if (e instanceof LogEntry.ViewChangeSent v) return MessageCodec.encode(v.viewChange());
        if (e instanceof LogEntry.ViewChangeNamed v) return MessageCodec.encode(v.viewChange());
        if (e instanceof LogEntry.NewViewInstalled n) return MessageCodec.encode(n.newView());
        if (e instanceof LogEntry.VotesReserved v) return ByteBuffer.allocate(16).putLong(v.view()).putLong(v.upTo()).array();
        if (e instanceof LogEntry.Stopped) return new byte[0];
        throw new IllegalArgumentException("unknown log entry " + e);
    }

    private static byte[] vote(long view, long seq, Digest d) {
        return ByteBuffer.allocate(VOTE_BYTES).putLong(view).putLong(seq).put(d.bytes()).array();
    }

    LogEntry decode(int type, byte[] payload) throws DecodeException {
        switch (type) {
            case PRE_PREPARED -> { return new LogEntry.PrePrepared(message(payload, PrePrepare.class)); }
            case VIEW_CHANGE_SENT -> { return new LogEntry.ViewChangeSent(message(payload, ViewChange.class)); }
            case VIEW_CHANGE_NAMED -> { return new LogEntry.ViewChangeNamed(message(payload, ViewChange.class)); }
            case NEW_VIEW_INSTALLED -> { return new LogEntry.NewViewInstalled(message(payload, NewView.class)); }
            case PREPARED, COMMITTED -> {
                if (payload.length != VOTE_BYTES) throw new DecodeException(RejectReason.BAD_FIELD, payload.length + " bytes for a vote record");
                ByteBuffer b = ByteBuffer.wrap(payload);
                long view = b.getLong(), seq = b.getLong();
                byte[] d = new byte[Digest.LENGTH];
                b.get(d);
                if (view < 0 || seq <= 0) throw new DecodeException(RejectReason.BAD_FIELD, "view " + view + ", seq " + seq);
                return type == PREPARED ? new LogEntry.Prepared(view, seq, new Digest(d)) : new LogEntry.Committed(view, seq, new Digest(d));
            }
            case VOTES_RESERVED -> {
                if (payload.length != 16) throw new DecodeException(RejectReason.BAD_FIELD, payload.length + " bytes for a reservation record");
                ByteBuffer b = ByteBuffer.wrap(payload);
                long view = b.getLong(), upTo = b.getLong();
                if (view < 0 || upTo <= 0) throw new DecodeException(RejectReason.BAD_FIELD, "view " + view + ", up to " + upTo);
                return new LogEntry.VotesReserved(view, upTo);
            }
            case STOPPED -> {
                if (payload.length != 0) throw new DecodeException(RejectReason.BAD_FIELD, payload.length + " bytes for a stop record");
                return new LogEntry.Stopped();
            }
            default -> throw new DecodeException(RejectReason.UNKNOWN_TYPE, "journal record type " + type);
        }
    }

    private <T extends Message> T message(byte[] payload, Class<T> type) throws DecodeException {
        Message m = codec.decode(payload, 0, payload.length);
        if (!type.isInstance(m)) throw new DecodeException(RejectReason.UNKNOWN_TYPE, m.getClass().getSimpleName() + " where a " + type.getSimpleName() + " belongs");
        return type.cast(m);
    }
}
