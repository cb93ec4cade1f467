package io.bulwark.bft.net;

import java.io.IOException;
import java.net.SocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.SocketChannel;
import java.util.ArrayDeque;

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

    // inbound
    private final ByteBuffer readBuf;
    private byte[] body;            // frame being assembled when it did not fit the read buffer
    private int bodyLen;
    private int bodyPos;

    // outbound
    private final ArrayDeque<byte[]> queue = new ArrayDeque<>();
    private long queuedBytes;       // prefixes + frames queued or sitting in writeBuf, not yet written
    private ByteBuffer writeBuf;    // fill mode between flushes; allocated on first send
    private int headPos = -1;       // bytes of queue.peek() already copied; -1: its prefix not yet
    boolean dirty;                  // in the transport's flush list this iteration
    private boolean writeBlocked;   // socket full: waiting for OP_WRITE

    Connection(Transport transport, SocketChannel ch, boolean dialed, int peer, long id, int readBufferBytes) {
        this.transport = transport;
        this.ch = ch;
        this.dialed = dialed;
        this.peer = peer;
        this.id = id;
        this.readBuf = ByteBuffer.allocateDirect(readBufferBytes);
    }

    /** The principal at the other end, or {@link #UNBOUND}. */
    public int peer() { return peer; }

    /** True if this side dialed the connection. */
    public boolean dialed() { return dialed; }

    public boolean isOpen() { return open; }

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
    void flush(int writeBufferBytes) throws IOException {
        if (writeBuf == null) {
            if (queue.isEmpty()) return;
            writeBuf = ByteBuffer.allocateDirect(writeBufferBytes);
        }
        while (true) {
            fill();
            if (writeBuf.position() == 0) {           // nothing left at all
                setWriteBlocked(false);
                return;
            }
            writeBuf.flip();
            int w = ch.write(writeBuf);
            transport.countWrite(w);
            queuedBytes -= w;
            boolean full = writeBuf.hasRemaining();
            writeBuf.compact();
            if (full) {                               // kernel buffer full: wait for OP_WRITE
                setWriteBlocked(true);
                return;
            }
        }
    }

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
        int budget = READ_BUDGET;
        while (budget > 0 && open) {
            int room = readBuf.remaining();
            int n = ch.read(readBuf);
            if (n < 0) {
                transport.closeConnection(this, "end of stream");
                return false;
            }
            if (n == 0) return true;
            budget -= n;
            transport.countBytesIn(n);
            if (!deliver(maxFrame, maxUnboundFrame)) return false;
            if (n < room) return open;  // socket drained: spare the read() that would return 0
        }
        return open;
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

    /** Marks closed and releases buffers. Returns the number of frames still queued (dropped). */
    int markClosed() {
        open = false;
        int dropped = queue.size();
        queue.clear();
        queuedBytes = 0;
        writeBuf = null;
        body = null;
        return dropped;
    }
}
