package io.bulwark.bft.net;

import io.bulwark.bft.testkit.Await;
import static org.junit.jupiter.api.Assertions.*;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(60)   // blocking raw-socket reads must not hang the build
class TransportTest {
    private final List<AutoCloseable> toClose = new ArrayList<>();

    @AfterEach
    void tearDown() throws Exception {
        for (int i = toClose.size() - 1; i >= 0; i--) toClose.get(i).close();
    }

    private <T extends AutoCloseable> T closing(T c) {
        toClose.add(c);
        return c;
    }

    private Peer peer(int principal, TransportConfig cfg) { return closing(new Peer(principal, cfg)); }

    private static byte[] frame(int seq, int size) {
        byte[] f = new byte[size];
        ByteBuffer.wrap(f).putInt(seq);
        for (int i = 4; i < size; i++) f[i] = (byte) (seq * 31 + i);
        return f;
    }

    private static int seqOf(byte[] f) { return ByteBuffer.wrap(f).getInt(); }

    /** a (0) dials b (1); returns once a's dialed connection is up. */
    private static void connect(Peer a, Peer b) {
        int port = b.listen();
        a.transport.dial(b.transport.self(), Peer.loopback(port));
        Await.until("connected", () -> !a.connected.isEmpty());
    }

    /**
     * b authenticates (here: trusts) the first frame and binds the anonymous connection to 0, then
     * echoes every frame by principal, which must route over that accepted connection.
     */
    private static void echoToZero(Peer b) {
        b.onFrame = (conn, f) -> {
            if (conn.peer() == Connection.UNBOUND) assertTrue(b.transport.bind(0, conn));
            assertTrue(b.transport.send(0, f));
        };
    }

    @Test
    void manyFramesBothWaysInOrderWithBind() {
        Peer a = peer(0, TransportConfig.defaults());
        Peer b = peer(7, TransportConfig.defaults());   // b plays a replica; a a client it never dials
        echoToZero(b);
        connect(a, b);
        int n = 20_000;
        a.onLoop(() -> {
            for (int i = 0; i < n; i++) assertTrue(a.transport.send(7, frame(i, 8 + i % 300)));
        });
        Await.until("echoes", () -> a.frames.size() == n);
        List<byte[]> got = a.framesSnapshot();
        for (int i = 0; i < n; i++) assertArrayEquals(frame(i, 8 + i % 300), got.get(i), "frame " + i);
        List<byte[]> atB = b.framesSnapshot();
        for (int i = 0; i < n; i++) assertEquals(i, seqOf(atB.get(i)));
        TransportStats sa = a.transport.stats();
        assertEquals(n, sa.framesOut());
        assertEquals(n, sa.framesIn());
        assertEquals(0, sa.droppedNoConnection() + sa.droppedQueueFull() + sa.badFrames());
        assertEquals(sa.bytesOut(), b.transport.stats().bytesIn());
        assertEquals(1, b.transport.stats().connectionsAccepted());
    }

    @Test
    void bindRefusesAConnectionOfAnotherPrincipal() {
        Peer a = peer(0, TransportConfig.defaults());
        Peer b = peer(1, TransportConfig.defaults());
        connect(a, b);
        Connection dialed = a.connected.get(0);
        a.onLoop(() -> {
            assertEquals(1, dialed.peer());
            assertTrue(dialed.dialed());
            assertFalse(a.transport.bind(2, dialed), "dialed to 1, cannot become 2");
            assertFalse(a.transport.bind(0, dialed), "never bind to ourselves");
            assertTrue(a.transport.bind(1, dialed));
            assertSame(dialed, a.transport.route(1));
        });
        Await.until("accepted", () -> !b.accepted.isEmpty());
        Connection acc = b.accepted.get(0);
        b.onLoop(() -> {
            assertNull(b.transport.route(0), "anonymous until bound");
            assertFalse(b.transport.send(0, new byte[] {1}));
            assertTrue(b.transport.send(acc, new byte[] {1}), "reply on the connection itself works");
            assertTrue(b.transport.bind(0, acc));
            assertFalse(b.transport.bind(3, acc), "already bound to 0");
        });
        assertEquals(1, b.transport.stats().droppedNoConnection());
        assertThrows(IllegalStateException.class, () -> a.transport.send(1, new byte[] {1}), "loop thread only");
    }

    @Test
    void mostRecentConnectionRoutesAndTheOtherTakesOverWhenItCloses() {
        Peer a = peer(0, TransportConfig.defaults());
        Peer b = peer(1, TransportConfig.defaults());
        int pa = a.listen();
        int pb = b.listen();
        b.onFrame = (c, f) -> { if (c.peer() == Connection.UNBOUND) b.transport.bind(0, c); };
        a.transport.dial(1, Peer.loopback(pb));
        b.transport.dial(0, Peer.loopback(pa));
        Await.until("both dialed", () -> a.connected.size() == 1 && b.connected.size() == 1);
        Connection bDialed = b.connected.get(0);
        b.onLoop(() -> assertSame(bDialed, b.transport.route(0), "only the dialed one is known"));
        a.onLoop(() -> a.transport.send(a.connected.get(0), new byte[] {9}));   // arrives on b's accepted one
        Await.until("frame", () -> b.frames.size() == 1);
        Connection bAccepted = b.onLoop(() -> b.transport.route(0));
        assertNotSame(bDialed, bAccepted, "binding made the accepted connection the route");
        assertFalse(bAccepted.dialed());
        b.onLoop(() -> {
            bAccepted.close();
            assertSame(bDialed, b.transport.route(0), "falls back to the dialed connection");
            assertTrue(b.transport.send(0, new byte[] {1}));
        });
        Await.until("a got it", () -> a.frames.size() == 1);
    }

    @Test
    void frameOfMaximumSizeArrivesIntactAndEmptyOrOversizeSendsAreRefused() {
        int max = 1 << 20;
        // The first frame binds b's accepted connection, so it may be as large as any.
        TransportConfig cfg = TransportConfig.defaults().withMaxFrameBytes(max).withMaxUnboundFrameBytes(max);
        Peer a = peer(0, cfg);
        Peer b = peer(1, cfg);
        connect(a, b);
        byte[] big = frame(99, max);
        byte[] one = {42};
        a.onLoop(() -> {
            assertThrows(IllegalArgumentException.class, () -> a.transport.send(1, new byte[0]));
            assertThrows(IllegalArgumentException.class, () -> a.transport.send(1, new byte[max + 1]));
            assertTrue(a.transport.send(1, big));
            assertTrue(a.transport.send(1, one));
            assertTrue(a.transport.send(1, big));
        });
        Await.until("frames", () -> b.frames.size() == 3);
        assertArrayEquals(big, b.frames.get(0));
        assertArrayEquals(one, b.frames.get(1));
        assertArrayEquals(big, b.frames.get(2));
    }

    @Test
    void badLengthPrefixClosesTheConnectionWithoutAllocating() throws IOException {
        int max = 1 << 20;
        Peer b = peer(1, TransportConfig.defaults().withMaxFrameBytes(max));
        int port = b.listen();
        int[] bad = {max + 1, Integer.MAX_VALUE, 0, -1, Integer.MIN_VALUE};
        for (int i = 0; i < bad.length; i++) {
            try (SocketChannel raw = SocketChannel.open(Peer.loopback(port))) {
                // a good frame first, then the bad prefix: the good one is delivered, then we are cut off
                ByteBuffer out = ByteBuffer.allocate(4 + 3 + 4).putInt(3).put(new byte[] {1, 2, 3}).putInt(bad[i]).flip();
                while (out.hasRemaining()) raw.write(out);
                int expectBad = i + 1;
                Await.until("bad frame counted", () -> b.transport.stats().badFrames() == expectBad);
                assertEquals(-1, raw.read(ByteBuffer.allocate(16)), "connection closed by the transport");
            }
        }
        TransportStats s = b.transport.stats();
        assertEquals(bad.length, s.framesIn());
        assertEquals(bad.length, s.connectionsClosed());
        assertEquals(0, s.openConnections());
    }

    @Test
    void largeFrameTrickledByteByByteIsReassembled() throws IOException {
        Peer b = peer(1, TransportConfig.defaults().withMaxUnboundFrameBytes(TransportConfig.DEFAULT_MAX_FRAME));
        int port = b.listen();
        byte[] f = frame(5, 200_000);
        try (SocketChannel raw = SocketChannel.open(Peer.loopback(port))) {
            ByteBuffer out = ByteBuffer.allocate(4 + f.length).putInt(f.length).put(f).flip();
            // odd-sized chunks so prefixes and bodies straddle reads
            while (out.hasRemaining()) {
                ByteBuffer chunk = out.slice().limit(Math.min(out.remaining(), 7919));
                int w = raw.write(chunk);
                out.position(out.position() + w);
            }
            Await.until("frame", () -> b.frames.size() == 1);
        }
        assertArrayEquals(f, b.frames.get(0));
    }

    /**
     * Issue 16 item 6: buffers are lent while bytes move. After an echo of frames smaller and larger
     * than the 64 KiB buffers, neither end's connection holds one.
     */
    @Test
    void aQuietConnectionHoldsNoBufferOnceItsFramesCrossed() {
        TransportConfig cfg = TransportConfig.defaults().withMaxFrameBytes(1 << 20).withMaxUnboundFrameBytes(1 << 20);
        Peer a = peer(0, cfg);
        Peer b = peer(7, cfg);
        echoToZero(b);
        connect(a, b);
        int n = 2_000;
        a.onLoop(() -> {
            for (int i = 0; i < n; i++) assertTrue(a.transport.send(7, frame(i, i % 100 == 0 ? 200_000 : 8 + (i * 7919) % 3_000)));
        });
        Await.until("echoes", () -> a.frames.size() == n);
        List<byte[]> got = a.framesSnapshot();
        for (int i = 0; i < n; i++) assertArrayEquals(frame(i, i % 100 == 0 ? 200_000 : 8 + (i * 7919) % 3_000), got.get(i), "frame " + i);
        assertFalse(a.onLoop(() -> a.transport.route(7).holdsBuffers()), "the dialed connection gave its buffers back");
        assertFalse(b.onLoop(() -> b.transport.route(0).holdsBuffers()), "the accepted connection gave its buffers back");
        assertTrue(b.onLoop(b.transport::spareBuffers) <= 2 * Transport.SPARE_BUFFERS);
    }

    /**
     * A length prefix split across reads stays in the read buffer, which is then not given back:
     * frames sent a few bytes at a time, each piece read on its own, arrive intact.
     */
    @Test
    void prefixesSplitAcrossReadsAreKeptUntilTheirFramesComplete() throws IOException {
        Peer b = peer(1, TransportConfig.defaults());
        int port = b.listen();
        List<byte[]> sent = new ArrayList<>();
        for (int i = 0; i < 10; i++) sent.add(frame(i, 4 + i * 13));
        ByteBuffer all = ByteBuffer.allocate(sent.stream().mapToInt(f -> 4 + f.length).sum());
        for (byte[] f : sent) all.putInt(f.length).put(f);
        all.flip();
        try (SocketChannel raw = SocketChannel.open(Peer.loopback(port))) {
            long written = 0;
            while (all.hasRemaining()) {
                // 3 bytes, then wait until the transport has read them: every prefix straddles reads
                ByteBuffer piece = all.slice().limit(Math.min(all.remaining(), 3));
                while (piece.hasRemaining()) written += raw.write(piece);
                all.position(all.position() + piece.limit());
                long expect = written;
                Await.until("bytes read", () -> b.transport.stats().bytesIn() == expect);
            }
            Await.until("frames", () -> b.frames.size() == sent.size());
        }
        for (int i = 0; i < sent.size(); i++) assertArrayEquals(sent.get(i), b.frames.get(i), "frame " + i);
    }

    @Test
    void peerThatStopsReadingCausesBoundedQueueAndCountedDrops() throws Exception {
        long maxQueued = 1 << 20;
        Peer a = peer(0, TransportConfig.defaults().withMaxFrameBytes(256 << 10).withMaxQueuedBytes(maxQueued));
        try (ServerSocketChannel sink = ServerSocketChannel.open()) {
            sink.bind(Peer.loopback(0));
            a.transport.dial(1, (java.net.InetSocketAddress) sink.getLocalAddress());
            try (SocketChannel stalled = sink.accept()) {   // accepted, never read
                Await.until("connected", () -> !a.connected.isEmpty());
                assertTrue(stalled.isConnected());
                byte[] f = new byte[64 << 10];
                // one iteration: nothing is flushed until the task ends, so exactly what fits is queued
                int queued = a.onLoop(() -> {
                    int ok = 0;
                    for (int i = 0; i < 200; i++) if (a.transport.send(1, f)) ok++;
                    return ok;
                });
                assertEquals((int) (maxQueued / (f.length + 4)), queued);
                // keep pushing across many iterations until the kernel buffers are full too
                for (int round = 0; round < 400; round++) {
                    a.onLoop(() -> { for (int i = 0; i < 16; i++) a.transport.send(1, f); });
                    TransportStats s = a.transport.stats();
                    assertTrue(s.queuedBytes() <= maxQueued, "queue bounded: " + s.queuedBytes());
                    long q = a.onLoop(() -> a.transport.route(1).queuedBytes());
                    assertTrue(q <= maxQueued);
                }
                TransportStats s = a.transport.stats();
                assertTrue(s.droppedQueueFull() > 200 * 16, "drops counted: " + s.droppedQueueFull());
                assertTrue(s.bytesOut() < 64L << 20, "kernel took a bounded amount: " + s.bytesOut());
                assertEquals(1, s.openConnections());
            }
        }
    }

    @Test
    void sendsInOneIterationAreCoalescedIntoFewWrites() {
        Peer a = peer(0, TransportConfig.defaults());
        Peer b = peer(1, TransportConfig.defaults());
        connect(a, b);
        long before = a.transport.stats().writeSyscalls();
        int n = 1000;
        a.onLoop(() -> { for (int i = 0; i < n; i++) a.transport.send(1, frame(i, 100)); });
        Await.until("all frames", () -> b.frames.size() == n);
        long writes = a.transport.stats().writeSyscalls() - before;
        // 104 000 bytes through a 64 KiB write buffer: 2 writes if the socket keeps up
        assertTrue(writes <= 4, "write syscalls for " + n + " frames: " + writes);
        for (int i = 0; i < n; i++) assertEquals(i, seqOf(b.frames.get(i)));
    }

    @Test
    void reconnectsWhenTheRemoteComesBackOnTheSamePort() {
        Peer a = peer(0, TransportConfig.defaults());
        EventLoop bLoop = closing(EventLoop.start("b-loop"));
        Peer b1 = new Peer(bLoop, 1, TransportConfig.defaults());
        int port = b1.listen();
        a.transport.dial(1, Peer.loopback(port));
        Await.until("first connection", () -> a.connected.size() == 1);
        a.onLoop(() -> a.transport.send(1, new byte[] {1}));
        Await.until("first frame", () -> b1.frames.size() == 1);

        b1.transport.close();   // remote goes away; a notices and keeps retrying (refused)
        Await.until("disconnect seen", () -> a.disconnected.get() == 1);
        a.onLoop(() -> assertFalse(a.transport.send(1, new byte[] {2}), "no connection: dropped"));
        Await.until("some failed attempts", () -> a.transport.stats().connectFailures() >= 2);

        Peer b2 = new Peer(bLoop, 1, TransportConfig.defaults());
        assertEquals(port, b2.transport.listen(Peer.loopback(port)));
        Await.until("reconnected", Duration.ofSeconds(10), () -> a.connected.size() == 2);
        a.onLoop(() -> assertTrue(a.transport.send(1, new byte[] {3})));
        Await.until("frame after reconnect", () -> b2.frames.size() == 1);
        assertArrayEquals(new byte[] {3}, b2.frames.get(0));
        assertEquals(1, a.transport.stats().droppedNoConnection());
        b2.transport.close();
    }

    @Test
    void handlerExceptionClosesThatConnectionOnly() {
        Peer a = peer(0, TransportConfig.defaults());
        Peer b = peer(1, TransportConfig.defaults());
        b.onFrame = (c, f) -> { if (f[0] == 13) throw new IllegalStateException("bad handler (expected by test)"); };
        connect(a, b);
        a.onLoop(() -> { a.transport.send(1, new byte[] {1}); a.transport.send(1, new byte[] {13}); });
        Await.until("closed", () -> b.transport.stats().connectionsClosed() == 1);
        assertEquals(1, b.transport.stats().handlerErrors());
        Await.until("a redials", () -> a.connected.size() == 2);
        a.onLoop(() -> a.transport.send(1, new byte[] {2}));
        Await.until("b still serves", () -> b.frames.size() == 3);
    }

    @Test
    void acceptedConnectionNotBoundInTimeIsClosed() throws IOException {
        Peer b = peer(1, TransportConfig.defaults().withUnboundTimeout(Duration.ofMillis(100)));
        b.onFrame = (c, f) -> { if (f[0] == 0) b.transport.bind(0, c); };
        int port = b.listen();
        try (SocketChannel anonymous = SocketChannel.open(Peer.loopback(port));
             SocketChannel bound = SocketChannel.open(Peer.loopback(port))) {
            bound.write(ByteBuffer.allocate(5).putInt(1).put((byte) 0).flip());
            Await.until("anonymous closed", () -> b.transport.stats().connectionsClosed() == 1);
            assertEquals(-1, anonymous.read(ByteBuffer.allocate(1)), "anonymous socket cut off");
            b.onLoop(() -> assertTrue(b.transport.route(0).isOpen(), "bound one kept"));
            assertEquals(1, b.transport.stats().openConnections());
        }
    }

    @Test
    void aFullTableEvictsTheOldestUnboundConnectionAndRefusesOnlyWhenEveryOneIsBound() throws IOException {
        Peer b = peer(1, TransportConfig.defaults().withMaxConnections(2));
        b.onFrame = (c, f) -> { if (c.peer() == Connection.UNBOUND) b.transport.bind(2 + f[0], c); };
        int port = b.listen();
        try (SocketChannel c1 = SocketChannel.open(Peer.loopback(port));
             SocketChannel c2 = SocketChannel.open(Peer.loopback(port))) {
            Await.until("accepted", () -> b.transport.stats().connectionsAccepted() == 2);
            ByteBuffer bindMe = ByteBuffer.allocate(5).putInt(1).put((byte) 0).flip();
            while (bindMe.hasRemaining()) c2.write(bindMe);
            Await.until("c2 bound", () -> b.frames.size() == 1);
            try (SocketChannel c3 = SocketChannel.open(Peer.loopback(port))) {
                Await.until("oldest unbound evicted", () -> b.transport.stats().evictedTableFull() == 1);
                assertEquals(-1, c1.read(ByteBuffer.allocate(1)), "c1 (unbound) made room");
                bindMe = ByteBuffer.allocate(5).putInt(1).put((byte) 1).flip();
                while (bindMe.hasRemaining()) c3.write(bindMe);
                Await.until("c3 bound", () -> b.frames.size() == 2);
                try (SocketChannel c4 = SocketChannel.open(Peer.loopback(port))) {
                    Await.until("refused", () -> b.transport.stats().connectionsRejected() == 1);
                    assertEquals(-1, c4.read(ByteBuffer.allocate(1)), "every connection is bound: the newcomer is refused");
                }
            }
        }
    }

    @Test
    void oneSourceHoldsABoundedNumberOfUnboundConnections() throws IOException {
        Peer b = peer(1, TransportConfig.defaults().withMaxUnboundPerSource(3));
        int port = b.listen();
        List<SocketChannel> socks = new java.util.ArrayList<>();
        try {
            for (int i = 0; i < 5; i++) socks.add(SocketChannel.open(Peer.loopback(port)));
            Await.until("accepted", () -> b.transport.stats().connectionsAccepted() == 5);
            Await.until("evicted", () -> b.transport.stats().evictedPerSource() == 2);
            assertEquals(3, b.transport.stats().openConnections());
            assertEquals(-1, socks.get(0).read(ByteBuffer.allocate(1)), "the oldest went first");
        } finally {
            for (SocketChannel s : socks) s.close();
        }
    }

    @Test
    void anUnboundConnectionMayNotAnnounceALargeFrame() throws IOException {
        Peer b = peer(1, TransportConfig.defaults());
        int port = b.listen();
        try (SocketChannel raw = SocketChannel.open(Peer.loopback(port))) {
            ByteBuffer out = ByteBuffer.allocate(4).putInt((64 << 10) + 1).flip();
            while (out.hasRemaining()) raw.write(out);
            Await.until("closed as a bad frame", () -> b.transport.stats().badFrames() == 1);
            assertEquals(-1, raw.read(ByteBuffer.allocate(1)));
        }
    }

    @Test
    void closeLeavesNoThreadsOrSockets() throws Exception {
        cycle();   // warm-up: class loading opens jar files lazily
        long fdsBefore = openFds();
        String[] names = cycle();
        for (String n : names) assertFalse(EventLoopTest.threadAlive(n), "thread " + n + " still alive");
        long fdsAfter = openFds();
        if (fdsBefore >= 0) assertTrue(fdsAfter <= fdsBefore, "fds before " + fdsBefore + " after " + fdsAfter);
    }

    /** Two peers connected both ways, a frame each way, then closed. Returns the loop thread names. */
    private static String[] cycle() throws IOException {
        Peer a = new Peer(0, TransportConfig.defaults());
        Peer b = new Peer(1, TransportConfig.defaults());
        try {
            int pa = a.listen();
            int pb = b.listen();
            a.transport.dial(1, Peer.loopback(pb));
            b.transport.dial(0, Peer.loopback(pa));
            Await.until("both connected", () -> a.connected.size() == 1 && b.connected.size() == 1);
            a.onLoop(() -> a.transport.send(1, new byte[] {1}));
            b.onLoop(() -> b.transport.send(0, new byte[] {1}));
            Await.until("frames", () -> a.frames.size() == 1 && b.frames.size() == 1);
        } finally {
            a.close();
            b.close();
        }
        assertTrue(a.loop.isTerminated() && b.loop.isTerminated());
        assertEquals(0, a.transport.stats().openConnections());
        // the listening port is free again
        try (ServerSocketChannel s = ServerSocketChannel.open()) {
            s.bind(Peer.loopback(0));
        }
        return new String[] {a.loop.name(), b.loop.name()};
    }

    private static long openFds() {
        var os = java.lang.management.ManagementFactory.getOperatingSystemMXBean();
        if (os instanceof com.sun.management.UnixOperatingSystemMXBean u) return u.getOpenFileDescriptorCount();
        return -1;
    }

    @Test
    void sendToUnknownPeerIsDroppedAndCounted() {
        Peer a = peer(0, TransportConfig.defaults());
        a.onLoop(() -> assertFalse(a.transport.send(5, new byte[] {1})));
        assertEquals(1, a.transport.stats().droppedNoConnection());
        assertTrue(Arrays.equals(new long[] {0}, new long[] {a.transport.stats().framesOut()}));
    }
}
