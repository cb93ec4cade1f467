package io.bulwark.bft.net;

import java.io.IOException;
import java.net.SocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.SocketChannel;
import java.util.ArrayDeque;
import javax.net.ssl.SSLEngineResult;

/**
 * One TCP connection of a {@link Transport}: length-prefixed framing in both directions, a
 * bounded outbound queue coalesced into a direct write buffer, and the peer's identity.
 *
 * <p>A dialed connection knows its peer from the start. An accepted one is anonymous
 * ({@link #peer()} == {@link #UNBOUND}) until the layer above authenticates a frame from it and
 * calls {@link Transport#bind}. Loop thread only, except {@link #peer()}, {@link #dialed()} and
 * {@link #isOpen()}, which any thread may read.
 */
public final class Connection {
    /** {@link #peer()} of an accepted connection not yet bound to a principal. */
    public static final int UNBOUND = -1;

    /** Bytes read from one connection per readiness event, so one busy peer cannot starve others. */
    private static final int READ_BUDGET = 1 << 20;
    /** First allocation for a frame body larger than what has arrived; grows with the bytes that do arrive. */
    private static final int FIRST_CHUNK = 64 << 10;

    private final Transport transport;
    private final SocketChannel ch;
    private final boolean dialed;
    final long id;                  // creation order, for "most recent" routing
    private volatile int peer;
    private volatile boolean open = true;
    SelectionKey key;
    boolean established;            // connected (accepted ones are from the start)
    long establishedAtNanos;
    long routeSeq;                  // when this last became its peer's route (larger = newer); 0: never
    Timer unboundTimer;             // accepted connections: closes them if never bound
    java.net.InetAddress source;    // accepted connections: the remote address, for the per-source bound
    private Object attachment;      // the layer above's state for this connection
    TlsSession tls;                 // null: plaintext
    boolean handshakeTasksRunning;  // the engine's delegated tasks run on the handshake thread: touch nothing of it
    private boolean receivedAny;    // plaintext: the peer sent at least one byte

    // inbound
    private final BufferPool readBuffers;
    private ByteBuffer readBuf;     // lent by readBuffers while bytes wait in it; an idle connection holds none
    private byte[] body;            // frame being assembled when it did not fit the read buffer
    private int bodyLen;
    private int bodyPos;

    // outbound
    private final ArrayDeque<byte[]> queue = new ArrayDeque<>();
    private long queuedBytes;       // prefixes + frames queued or sitting in writeBuf, not yet written
    private final BufferPool writeBuffers;
    private ByteBuffer writeBuf;    // fill mode between flushes; lent by writeBuffers while frames wait in it
    private int headPos = -1;       // bytes of queue.peek() already copied; -1: its prefix not yet
    boolean dirty;                  // in the transport's flush list this iteration
    private boolean writeBlocked;   // socket full: waiting for OP_WRITE

    Connection(Transport transport, SocketChannel ch, boolean dialed, int peer, long id, BufferPool readBuffers, BufferPool writeBuffers) {
        this.transport = transport;
        this.ch = ch;
        this.dialed = dialed;
        this.peer = peer;
        this.id = id;
        this.readBuffers = readBuffers;
        this.writeBuffers = writeBuffers;
    }

    /** The principal at the other end, or {@link #UNBOUND}. */
    public int peer() { return peer; }

    /** True if this side dialed the connection. */
    public boolean dialed() { return dialed; }

    public boolean isOpen() { return open; }

    /**
     * True if this connection runs TLS and its handshake completed: {@link #peer()} is then the
     * principal whose pinned key the peer proved it holds (issue 20). Loop thread only.
     */
    public boolean tlsAuthenticated() { return tls != null && tls.handshakeDone; }

    /** The layer above's state for this connection (e.g. its channel binding), or null. Loop thread only. */
    public Object attachment() { return attachment; }

    public void attach(Object a) { this.attachment = a; }

    /** Outbound bytes not yet handed to the kernel. Loop thread only. */
    public long queuedBytes() { return queuedBytes; }

    public SocketAddress remoteAddress() {
        try {
            return ch.getRemoteAddress();
        } catch (IOException e) {
            return null;
        }
    }

    /** Closes the connection (a dialed one is re-dialed after backoff). Loop thread only. */
    public void close() { transport.closeConnection(this, "closed by caller"); }

    @Override
    public String toString() {
        return "Connection#" + id + (dialed ? "[dialed " : "[accepted ") + "peer=" + peer + (open ? "]" : " closed]");
    }

    SocketChannel channel() { return ch; }

    void bindPeer(int principal) { this.peer = principal; }

    // ------------------------------------------------------------------ outbound

    /** Queues a frame unless the queue would exceed its bound. Returns false if dropped. */
    boolean enqueue(byte[] frame, long maxQueued) {
        long need = 4L + frame.length;
        if (queuedBytes + need > maxQueued) return false;
        queue.add(frame);
        queuedBytes += need;
        return true;
    }

    boolean writeBlocked() { return writeBlocked; }

    /**
     * Coalesces queued frames into the write buffer and writes it, as often as the socket takes
     * data. Stops when everything is written (clearing OP_WRITE) or the socket is full (setting
     * OP_WRITE, the loop calls back when it drains).
     */
    void flush() throws IOException {
        if (tls != null) {
            flushTls();
            return;
        }
        if (writeBuf == null) {
            if (queue.isEmpty()) return;
            writeBuf = writeBuffers.take();
        }
        while (true) {
            fill();
            if (writeBuf.position() == 0) {           // nothing left at all
                setWriteBlocked(false);
                releaseWriteBuffer();
                return;
            }
            writeBuf.flip();
            int w = ch.write(writeBuf);
            transport.countWrite(w);
            transport.drained(w);
            queuedBytes -= w;
            boolean full = writeBuf.hasRemaining();
            writeBuf.compact();
            if (full) {                               // kernel buffer full: wait for OP_WRITE
                setWriteBlocked(true);
                return;
            }
        }
    }

    /**
     * TLS: drives the handshake while it runs; after it, coalesces queued frames into the write
     * buffer as in plaintext and wraps them into records. Ciphertext waits in one record-sized
     * buffer; a full socket sets OP_WRITE as in plaintext.
     */
    private void flushTls() throws IOException {
        TlsSession t = tls;
        if (handshakeTasksRunning) return;      // resumed when they ran
        while (open) {
            if (t.netOut.position() > 0) {
                t.netOut.flip();
                int w = ch.write(t.netOut);
                transport.countWrite(w);
                boolean full = t.netOut.hasRemaining();
                t.netOut.compact();
                if (full) {
                    setWriteBlocked(true);
                    return;
                }
            }
            SSLEngineResult.HandshakeStatus hs = t.engine.getHandshakeStatus();
            if (hs == SSLEngineResult.HandshakeStatus.NEED_TASK) {
                if (transport.runHandshakeTasks(this)) return;
                t.runTasks();
                continue;
            }
            if (hs == SSLEngineResult.HandshakeStatus.NEED_WRAP) {
                SSLEngineResult r = t.engine.wrap(EMPTY, t.netOut);
                if (r.getStatus() == SSLEngineResult.Status.CLOSED) throw new javax.net.ssl.SSLException("TLS closed during the handshake");
                if (r.getHandshakeStatus() == SSLEngineResult.HandshakeStatus.FINISHED && !handshakeFinished()) return;
                continue;
            }
            if (!t.handshakeDone) {              // waiting for the peer's handshake messages
                setWriteBlocked(false);
                return;
            }
            if (writeBuf == null) {
                if (queue.isEmpty()) {
                    setWriteBlocked(false);
                    return;
                }
                writeBuf = writeBuffers.take();
            }
            fill();
            if (writeBuf.position() == 0) {      // nothing left at all
                setWriteBlocked(false);
                releaseWriteBuffer();
                return;
            }
            writeBuf.flip();
            SSLEngineResult r;
            try {
                r = t.engine.wrap(writeBuf, t.netOut);
            } finally {
                writeBuf.compact();
            }
            transport.drained(r.bytesConsumed());
            queuedBytes -= r.bytesConsumed();
            if (r.getStatus() == SSLEngineResult.Status.CLOSED) throw new javax.net.ssl.SSLException("TLS closed");
            if (r.getStatus() == SSLEngineResult.Status.BUFFER_OVERFLOW && t.netOut.position() == 0)
                throw new IllegalStateException("TLS record larger than the packet buffer");
        }
    }

    private static final ByteBuffer EMPTY = ByteBuffer.allocate(0);

    /** After a TLS failure: hands the engine's alert (if it has one) to the socket, once, without blocking. */
    void sendAlertBestEffort() {
        if (tls == null || !open || handshakeTasksRunning) return;
        try {
            tls.engine.closeOutbound();
            for (int i = 0; i < 4 && tls.engine.getHandshakeStatus() == SSLEngineResult.HandshakeStatus.NEED_WRAP; i++) {
                SSLEngineResult r = tls.engine.wrap(EMPTY, tls.netOut);
                if (r.bytesProduced() == 0) break;
            }
            tls.netOut.flip();
            ch.write(tls.netOut);
        } catch (IOException | RuntimeException ignored) {
            // closing anyway: the alert is a courtesy to the peer's operator
        }
    }

    /** The handshake completed: the transport binds the connection to the authenticated principal. */
    private boolean handshakeFinished() {
        if (tls.handshakeDone) return open;
        tls.handshakeDone = true;
        transport.tlsHandshakeDone(this);
        return open;
    }

    /** Everything queued is written (or wrapped): the write buffer goes back to the pool. */
    private void releaseWriteBuffer() {
        writeBuffers.give(writeBuf);
        writeBuf = null;
    }

    /**
     * After reading: a read buffer that holds no bytes (no part of a length prefix: a frame larger
     * than it is assembled in {@link #body}) goes back to the pool. Not on a closed connection,
     * whose buffers {@link #markClosed} dropped.
     */
    private void releaseReadBufferIfEmpty() {
        if (readBuf != null && readBuf.position() == 0) {
            readBuffers.give(readBuf);
            readBuf = null;
        }
    }

    /** True if this connection holds a pooled buffer now. Loop thread only (tests). */
    boolean holdsBuffers() { return readBuf != null || writeBuf != null; }

    private void fill() {
        ByteBuffer b = writeBuf;
        while (!queue.isEmpty() && b.hasRemaining()) {
            byte[] head = queue.peek();
            if (headPos < 0) {
                if (b.remaining() < 4) return;
                b.putInt(head.length);
                headPos = 0;
            }
            int n = Math.min(head.length - headPos, b.remaining());
            b.put(head, headPos, n);
            headPos += n;
            if (headPos == head.length) {
                queue.poll();
                headPos = -1;
                transport.countFrameOut();
            }
        }
    }

    private void setWriteBlocked(boolean blocked) {
        if (blocked == writeBlocked || !key.isValid()) return;
        writeBlocked = blocked;
        int ops = key.interestOps();
        key.interestOps(blocked ? ops | SelectionKey.OP_WRITE : ops & ~SelectionKey.OP_WRITE);
    }

    // ------------------------------------------------------------------ inbound

    /**
     * Reads what is available (within a budget) and delivers every complete frame.
     * Returns false if the connection must close: end of stream, or a bad length prefix
     * (reported through {@code transport}).
     */
    boolean readAndDeliver(int maxFrame, int maxUnboundFrame) throws IOException {
        if (readBuf == null) readBuf = readBuffers.take();
        try {
            return tls != null ? readTls(maxFrame, maxUnboundFrame) : readPlain(maxFrame, maxUnboundFrame);
        } finally {
            releaseReadBufferIfEmpty();
        }
    }

    private boolean readPlain(int maxFrame, int maxUnboundFrame) throws IOException {
        int budget = READ_BUDGET;
        while (budget > 0 && open) {
            int room = readBuf.remaining();
            int n = ch.read(readBuf);
            if (n < 0) {
                if (dialed && !receivedAny) transport.closedBeforeAnswering(this);
                transport.closeConnection(this, "end of stream");
                return false;
            }
            if (n == 0) return true;
            receivedAny = true;
            budget -= n;
            transport.countBytesIn(n);
            if (!deliver(maxFrame, maxUnboundFrame)) return false;
            if (n < room) return open;  // socket drained: spare the read() that would return 0
        }
        return open;
    }

    /**
     * TLS: reads ciphertext (at most one record's buffer at a time), unwraps it into the read
     * buffer and delivers complete frames as in plaintext. During the handshake, answers it.
     */
    private boolean readTls(int maxFrame, int maxUnboundFrame) throws IOException {
        TlsSession t = tls;
        if (handshakeTasksRunning) return open;         // not reading meanwhile (its interest ops are off)
        int budget = READ_BUDGET;
        while (budget > 0 && open) {
            int room = t.netIn.remaining();
            int n = room == 0 ? 0 : ch.read(t.netIn);
            if (n < 0) {
                if (!t.handshakeDone) throw new HandshakeEofException();
                transport.closeConnection(this, "end of stream");
                return false;
            }
            if (n > 0) {
                budget -= n;
                transport.countBytesIn(n);
                // Anything but a TLS handshake record first is not TLS: refused before the engine parses it.
                if (t.bytesRead == 0 && (t.netIn.get(0) & 0xff) != TlsSession.RECORD_HANDSHAKE)
                    throw new NotTlsException(t.netIn.get(0) & 0xff);
                t.bytesRead += n;
            }
            if (!unwrapAll(maxFrame, maxUnboundFrame)) return false;
            // Socket drained, or nothing read (the record buffer is full while the handshake waits to write:
            // the selector calls again, and the handshake deadline bounds how long).
            if (n == 0 || n < room) return open;
        }
        return open;
    }

    private boolean unwrapAll(int maxFrame, int maxUnboundFrame) throws IOException {
        TlsSession t = tls;
        while (open) {
            if (handshakeTasksRunning) return open;     // resumed when they ran
            SSLEngineResult.HandshakeStatus hs = t.engine.getHandshakeStatus();
            if (hs == SSLEngineResult.HandshakeStatus.NEED_TASK) {
                if (transport.runHandshakeTasks(this)) return open;
                t.runTasks();
                continue;
            }
            if (hs == SSLEngineResult.HandshakeStatus.NEED_WRAP) {
                flushTls();
                if (!open) return false;
                if (writeBlocked) return true;      // OP_WRITE resumes the handshake
                continue;
            }
            if (readBuf.remaining() < t.applicationBufferSize()) {
                // deliver() leaves at most a length prefix behind; a smaller buffer is a configuration bug
                throw new IllegalStateException("read buffer smaller than a TLS record");
            }
            t.netIn.flip();
            SSLEngineResult r;
            try {
                r = t.engine.unwrap(t.netIn, readBuf);
            } finally {
                t.netIn.compact();
            }
            if (r.getHandshakeStatus() == SSLEngineResult.HandshakeStatus.FINISHED && !handshakeFinished()) return false;
            if (r.bytesProduced() > 0 && !deliver(maxFrame, maxUnboundFrame)) return false;
            switch (r.getStatus()) {
                case OK -> {
                    if (r.bytesConsumed() == 0 && r.bytesProduced() == 0
                            && t.engine.getHandshakeStatus() != SSLEngineResult.HandshakeStatus.NEED_TASK
                            && t.engine.getHandshakeStatus() != SSLEngineResult.HandshakeStatus.NEED_WRAP) return open;
                }
                case BUFFER_UNDERFLOW -> { return open; }  // a partial record: wait for the rest (netIn holds a whole one)
                case BUFFER_OVERFLOW -> throw new IllegalStateException("TLS record larger than the read buffer");
                case CLOSED -> {
                    transport.closeConnection(this, "TLS closed by the peer");
                    return false;
                }
            }
        }
        return false;
    }

    /**
     * The handshake's delegated tasks ran on the handshake thread: carries the handshake on — writes
     * what the engine now has to send, unwraps what arrived meanwhile, reads what is waiting.
     */
    void resumeTls(int maxFrame, int maxUnboundFrame) throws IOException {
        if (readBuf == null) readBuf = readBuffers.take();
        try {
            flushTls();
            if (open && !handshakeTasksRunning && unwrapAll(maxFrame, maxUnboundFrame) && !handshakeTasksRunning) readTls(maxFrame, maxUnboundFrame);
        } finally {
            releaseReadBufferIfEmpty();
        }
    }

    /** The first byte a peer sent is not a TLS handshake record: garbage, or a peer with TLS off. */
    static final class NotTlsException extends javax.net.ssl.SSLException {
        final int firstByte;
        NotTlsException(int firstByte) {
            super("not TLS: first byte " + firstByte + " is not a handshake record");
            this.firstByte = firstByte;
        }
    }

    /** The peer closed the connection before the TLS handshake completed. */
    static final class HandshakeEofException extends javax.net.ssl.SSLException {
        HandshakeEofException() { super("connection closed by the peer during the TLS handshake"); }
    }

    private boolean deliver(int maxFrame, int maxUnboundFrame) {
        ByteBuffer b = readBuf;
        b.flip();
        try {
            while (open) {
                if (body == null) {
                    if (b.remaining() < 4) break;
                    int len = b.getInt();
                    // Nobody proven is on an accepted connection yet: the handshake is all it may send.
                    int limit = !dialed && peer == UNBOUND ? maxUnboundFrame : maxFrame;
                    if (len <= 0 || len > limit) {
                        // checked before any allocation: a hostile prefix costs us nothing
                        transport.badFrame(this, len);
                        return false;
                    }
                    if (b.remaining() >= len) {
                        byte[] f = new byte[len];
                        b.get(f);
                        transport.deliver(this, f);
                        continue;
                    }
                    // Large frame: allocate in proportion to bytes actually received, so a peer
                    // announcing many big frames and trickling bytes cannot make us reserve them.
                    bodyLen = len;
                    bodyPos = 0;
                    body = new byte[Math.min(len, Math.max(FIRST_CHUNK, b.remaining()))];
                }
                int take = Math.min(b.remaining(), bodyLen - bodyPos);
                if (take == 0) break;
                if (bodyPos + take > body.length) {
                    body = java.util.Arrays.copyOf(body, (int) Math.min(bodyLen, Math.max(2L * body.length, bodyPos + take)));
                }
                b.get(body, bodyPos, take);
                bodyPos += take;
                if (bodyPos < bodyLen) break;
                byte[] f = body;
                body = null;
                transport.deliver(this, f);
            }
            return open;
        } finally {
            b.compact();
        }
    }

    // ------------------------------------------------------------------ teardown

    /**
     * Marks closed and drops its buffers (to the garbage collector, not to the pools: a frame handler
     * may close the connection while {@link #deliver} still works in its read buffer). Returns the
     * number of frames still queued (dropped).
     */
    int markClosed() {
        open = false;
        int dropped = queue.size();
        queue.clear();
        queuedBytes = 0;
        writeBuf = null;
        readBuf = null;
        body = null;
        return dropped;
    }
}
