package io.bulwark.bft.net;

import io.bulwark.bft.testkit.Await;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.bulwark.bft.crypto.DeterministicRandom;
import io.bulwark.bft.crypto.TlsKeys;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.security.KeyPair;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * TLS on the transport (issue 20) against real sockets on loopback: frames flow with both ends
 * authenticated by pinned keys and the accepted connection is bound to the TLS peer; garbage
 * instead of a ClientHello, an unpinned key, a handshake that never completes, a flood of
 * handshakes and a TLS/plaintext mismatch are each closed and counted by reason.
 */
@Timeout(60)
class TlsTransportTest {
    /** Principals 0, 1 and 2 are pinned; 9 holds a key nobody pinned. */
    private static final KeyPair[] KEYS = new KeyPair[10];
    private static final Map<Integer, byte[]> PINNED = new HashMap<>();
    static {
        DeterministicRandom rnd = new DeterministicRandom(20);
        for (int i : new int[] {0, 1, 2, 9}) KEYS[i] = TlsKeys.generate(rnd);
        for (int i = 0; i < 3; i++) PINNED.put(i, KEYS[i].getPublic().getEncoded());
    }

    private final List<AutoCloseable> toClose = new ArrayList<>();

    @AfterEach
    void closeAll() throws Exception {
        for (int i = toClose.size() - 1; i >= 0; i--) toClose.get(i).close();
    }

    private static TransportTls tls(int principal) {
        return new TransportTls(principal, KEYS[principal], PINNED, new DeterministicRandom(100 + principal));
    }

    private Peer peer(int principal, TransportConfig cfg, TransportTls tls) {
        Peer p = new Peer(principal, cfg, tls);
        toClose.add(p);
        return p;
    }

    private Socket raw(int port) throws IOException {
        Socket s = new Socket(InetAddress.getLoopbackAddress(), port);
        toClose.add(s);
        return s;
    }

    /** Reads until the peer closes; true if it did (not just stopped sending). */
    private static boolean closedByPeer(Socket s) throws IOException {
        s.setSoTimeout(30_000);
        InputStream in = s.getInputStream();
        byte[] b = new byte[4096];
        try {
            while (in.read(b) >= 0) { /* the alert, if any */ }
            return true;
        } catch (java.net.SocketException e) {
            return true;   // reset by the peer
        }
    }

    private static byte[] frame(int size, int seed) {
        byte[] f = new byte[size];
        for (int i = 0; i < size; i++) f[i] = (byte) (i * 31 + seed);
        return f;
    }

    /** A server (principal 0) and a client (1) whose TLS handshake completed. */
    private Peer[] handshaken() {
        Peer server = peer(0, TransportConfig.forNodes(), tls(0));
        Peer client = peer(1, TransportConfig.forNodes(), tls(1));
        int port = server.listen();
        client.transport.dial(0, Peer.loopback(port));
        Await.until("handshake", () -> !client.connected.isEmpty() && !server.accepted.isEmpty());
        return new Peer[] {server, client};
    }

    @Test
    void framesFlowBothWaysAndTheAcceptedConnectionIsTheTlsPeers() {
        Peer[] pair = handshaken();
        Peer server = pair[0], client = pair[1];
        Connection acc = server.accepted.get(0);
        assertEquals(1, acc.peer(), "the accepted connection is bound to the principal whose pinned key the peer proved");
        assertTrue(server.onLoop(acc::tlsAuthenticated));
        // With routeDialedOnBind (nodes) it becomes the route when the layer above says so (once it holds a current key).
        assertEquals(null, server.onLoop(() -> server.transport.route(1)));
        assertTrue(server.onLoop(() -> server.transport.bind(1, acc)));
        assertEquals(acc, server.onLoop(() -> server.transport.route(1)), "and it is that principal's route");
        assertFalse(server.onLoop(() -> server.transport.bind(2, acc)), "never another principal's");
        // Frames larger than a TLS record and small ones, both ways.
        byte[] big = frame(1 << 20, 1), small = frame(10, 2);
        client.onLoop(() -> {
            client.transport.bind(0, client.connected.get(0));   // routeDialedOnBind: the layer above routes it
            client.transport.send(0, big);
            client.transport.send(0, small);
        });
        Await.until("frames at the server", () -> server.frames.size() == 2);
        assertArrayEquals(big, server.frames.get(0));
        assertArrayEquals(small, server.frames.get(1));
        server.onLoop(() -> server.transport.send(1, small));
        Await.until("frame at the client", () -> client.frames.size() == 1);
        assertArrayEquals(small, client.frames.get(0));
        assertEquals(1, server.transport.stats().tlsHandshakes());
        assertEquals(1, client.transport.stats().tlsHandshakes());
        assertTrue(server.transport.stats().bytesIn() > big.length, "records carry more than the plaintext");
    }

    /**
     * Issue 16 item 6: a connection borrows its read and write buffers while bytes move and gives them
     * back once they are empty, so a client that is connected but quiet costs its TLS state and no
     * 128 KiB of direct buffers. Frames larger than the buffers and than a record cross both ways
     * first, intact.
     */
    @Test
    void aQuietTlsConnectionHoldsNoBufferOnceItsFramesCrossed() {
        Peer[] pair = handshaken();
        Peer server = pair[0], client = pair[1];
        Connection acc = server.accepted.get(0);
        Connection dialed = client.connected.get(0);
        assertTrue(server.onLoop(() -> server.transport.bind(1, acc)));
        List<byte[]> sent = new ArrayList<>();
        for (int i = 0; i < 200; i++) sent.add(frame(i % 50 == 0 ? 300_000 : 1 + (i * 7919) % 20_000, i));
        client.onLoop(() -> {
            client.transport.bind(0, dialed);
            for (byte[] f : sent) assertTrue(client.transport.send(0, f));
        });
        Await.until("frames at the server", () -> server.frames.size() == sent.size());
        server.onLoop(() -> { for (byte[] f : sent) assertTrue(server.transport.send(1, f)); });
        Await.until("frames back at the client", () -> client.frames.size() == sent.size());
        for (int i = 0; i < sent.size(); i++) {
            assertArrayEquals(sent.get(i), server.frames.get(i), "frame " + i + " at the server");
            assertArrayEquals(sent.get(i), client.frames.get(i), "frame " + i + " at the client");
        }
        assertFalse(server.onLoop(acc::holdsBuffers), "the accepted connection gave its buffers back");
        assertFalse(client.onLoop(dialed::holdsBuffers), "the dialed connection gave its buffers back");
        assertTrue(server.onLoop(server.transport::spareBuffers) <= 2 * Transport.SPARE_BUFFERS, "and the pools keep a bounded number");
    }

    @Test
    void garbageInsteadOfAClientHelloIsClosedAndCounted() throws Exception {
        Peer server = peer(0, TransportConfig.forNodes(), tls(0));
        int port = server.listen();
        Socket s = raw(port);
        OutputStream out = s.getOutputStream();
        out.write(new byte[] {0, 0, 0, 8, 1, 2, 3, 4, 5, 6, 7, 8});   // a plaintext frame: a peer with TLS off
        out.flush();
        assertTrue(closedByPeer(s));
        Socket g = raw(port);
        g.getOutputStream().write("GET / HTTP/1.1\r\n\r\n".getBytes(java.nio.charset.StandardCharsets.US_ASCII));
        assertTrue(closedByPeer(g));
        Await.until("counted", () -> server.transport.stats().tlsNotTls() == 2);
        assertTrue(server.accepted.isEmpty(), "nothing reached the layer above");
        assertTrue(server.frames.isEmpty());
    }

    @Test
    void aMalformedHandshakeRecordIsClosedAndCounted() throws Exception {
        Peer server = peer(0, TransportConfig.forNodes(), tls(0));
        Socket s = raw(server.listen());
        byte[] junk = frame(300, 7);
        junk[0] = 22; junk[1] = 3; junk[2] = 3; junk[3] = 0; junk[4] = (byte) 200;   // a handshake record of junk
        s.getOutputStream().write(junk);
        assertTrue(closedByPeer(s));
        Await.until("counted", () -> server.transport.stats().tlsHandshakeFailed() == 1);
        assertTrue(server.accepted.isEmpty());
    }

    @Test
    void anUnpinnedKeyIsRefusedAtTheAcceptor() {
        Peer server = peer(0, TransportConfig.forNodes(), tls(0));
        int port = server.listen();
        // Principal 9's key is pinned nowhere; its transport pins the others, so it would trust the server.
        Map<Integer, byte[]> pins = new HashMap<>(PINNED);
        pins.put(9, KEYS[9].getPublic().getEncoded());
        Peer intruder = peer(9, TransportConfig.forNodes(), new TransportTls(9, KEYS[9], pins, new DeterministicRandom(9)));
        intruder.transport.dial(0, Peer.loopback(port));
        Await.until("refused", () -> server.transport.stats().tlsUnpinnedKey() >= 1);
        Await.until("the intruder saw it fail", () -> intruder.transport.stats().tlsHandshakeFailed() >= 1);
        assertTrue(server.accepted.isEmpty(), "an unpinned key binds nothing");
        // In TLS 1.3 a client finishes before the server has checked its certificate: the server's alert then closes it.
        Await.until("the intruder's connection closed", () -> intruder.connected.isEmpty() || intruder.disconnected.get() >= 1);
        assertTrue(server.frames.isEmpty());
    }

    @Test
    void aDialerRefusesAnAcceptorWithAnotherPrincipalsKey() {
        // Principal 2 answers at the address where principal 1 dials principal 0.
        Peer impostor = peer(2, TransportConfig.forNodes(), tls(2));
        int port = impostor.listen();
        Peer client = peer(1, TransportConfig.forNodes(), tls(1));
        client.transport.dial(0, Peer.loopback(port));
        Await.until("refused", () -> client.transport.stats().tlsUnpinnedKey() >= 1);
        assertTrue(client.connected.isEmpty(), "a dialer takes only the dialed principal's key");
        assertTrue(impostor.accepted.isEmpty(), "and the impostor never sees a completed handshake");
    }

    @Test
    void aHandshakeThatNeverCompletesIsClosedAtTheDeadline() throws Exception {
        Peer server = peer(0, TransportConfig.forNodes().withUnboundTimeout(Duration.ofMillis(200)), tls(0));
        Socket s = raw(server.listen());
        s.getOutputStream().write(new byte[] {22, 3, 1, 0, (byte) 200, 1});   // the start of a ClientHello, then silence
        assertTrue(closedByPeer(s));
        Await.until("counted", () -> server.transport.stats().tlsHandshakeTimedOut() == 1);
        assertEquals(0, server.transport.stats().unboundTimedOut(), "counted as a handshake that did not complete");
    }

    @Test
    void aFloodOfHandshakesIsBoundedAndAGenuinePeerStillGetsThrough() throws Exception {
        int perSource = 8, flood = 100;
        Peer server = peer(0, TransportConfig.forNodes().withMaxUnboundPerSource(perSource), tls(0));
        int port = server.listen();
        List<Socket> stalled = new ArrayList<>();
        for (int i = 0; i < flood; i++) {
            Socket s = raw(port);
            s.getOutputStream().write(new byte[] {22, 3, 1, 0, (byte) 200, 1});   // half a ClientHello each
            stalled.add(s);
        }
        Await.until("all accepted", () -> server.transport.stats().connectionsAccepted() == flood);
        TransportStats st = server.transport.stats();
        assertEquals(flood - perSource, st.evictedPerSource(), "one source's unfinished handshakes are bounded");
        assertTrue(st.openConnections() <= perSource, "open: " + st.openConnections());
        // Genuine handshakes from the same host are then just the newest of the unbound ones.
        Peer client = peer(1, TransportConfig.forNodes(), tls(1));
        client.transport.dial(0, Peer.loopback(port));
        Await.until("genuine handshake", () -> !server.accepted.isEmpty());
        assertEquals(1, server.accepted.get(0).peer());
        for (Socket s : stalled) s.close();
    }

    /**
     * Issue 15: a keyless host's whole ClientHello costs the acceptor a key agreement and a signature.
     * Those run on the transport's handshake thread, never the loop, with at most
     * {@link Transport#HANDSHAKE_QUEUE} waiting: a burst of hellos beyond it is shed (closed unanswered,
     * counted), every connection is accounted for, and a genuine peer still gets through.
     */
    @Test
    void aBurstOfWholeClientHellosIsShedBeyondTheHandshakeQueueAndAGenuinePeerStillGetsThrough() throws Exception {
        int burst = 200;
        Peer server = peer(0, TransportConfig.forNodes(), tls(0));
        int port = server.listen();
        byte[] hello = clientHello();
        List<Socket> strangers = new ArrayList<>();
        for (int i = 0; i < burst; i++) {          // 25 sources of 8: the per-source bound (64) is not what refuses them
            Socket s = new Socket();
            toClose.add(s);
            s.bind(new java.net.InetSocketAddress(InetAddress.getByAddress(new byte[] {127, 0, 0, (byte) (2 + i % 8)}), 0));
            s.connect(Peer.loopback(port));
            strangers.add(s);
        }
        Await.until("all accepted", () -> server.transport.stats().connectionsAccepted() == burst);
        for (Socket s : strangers) s.getOutputStream().write(hello);   // all at once: more than the handshake thread can take
        for (Socket s : strangers) s.close();                           // nobody waits for an answer
        Await.until("every stranger closed and counted", () -> server.transport.stats().openConnections() == 0);
        TransportStats st = server.transport.stats();
        assertTrue(st.tlsHandshakesShed() > 0, "a burst beyond the handshake queue is shed: " + st.refusals());
        assertEquals(burst, st.tlsHandshakesShed() + st.tlsHandshakeFailed(), "every stranger refused once: " + st.refusals());
        assertEquals(0, st.tlsHandshakes());
        Peer client = peer(1, TransportConfig.forNodes(), tls(1));
        client.transport.dial(0, Peer.loopback(port));
        Await.until("genuine handshake", () -> !server.accepted.isEmpty());
        assertEquals(1, server.accepted.get(0).peer());
    }

    /** A TLS 1.3 ClientHello as the JDK makes it, offering no certificate (what a keyless host can send). */
    private static byte[] clientHello() throws Exception {
        javax.net.ssl.SSLContext ctx = javax.net.ssl.SSLContext.getInstance("TLSv1.3");
        ctx.init(null, null, new DeterministicRandom(7));
        javax.net.ssl.SSLEngine e = ctx.createSSLEngine("replica", 0);
        e.setUseClientMode(true);
        java.nio.ByteBuffer out = java.nio.ByteBuffer.allocate(e.getSession().getPacketBufferSize());
        e.beginHandshake();
        e.wrap(java.nio.ByteBuffer.allocate(0), out);
        return Arrays.copyOf(out.array(), out.position());
    }

    @Test
    void aTlsDialerAndAPlaintextAcceptorFailClearlyBothWays() {
        Peer plain = peer(0, TransportConfig.forNodes(), null);
        Peer tlsClient = peer(1, TransportConfig.forNodes(), tls(1));
        tlsClient.transport.dial(0, Peer.loopback(plain.listen()));
        Await.until("the plaintext side saw a TLS handshake", () -> plain.transport.stats().tlsMismatch() >= 1);
        Await.until("the TLS side saw it fail", () -> tlsClient.transport.stats().tlsHandshakeFailed() >= 1);
        assertTrue(plain.accepted.size() <= plain.transport.stats().connectionsAccepted());
        assertTrue(tlsClient.connected.isEmpty());

        Peer tlsServer = peer(2, TransportConfig.forNodes(), tls(2));
        Peer plainClient = peer(1, TransportConfig.forNodes(), null);
        plainClient.transport.dial(2, Peer.loopback(tlsServer.listen()));
        Await.until("connected", () -> !plainClient.connected.isEmpty());
        plainClient.onLoop(() -> plainClient.transport.send(plainClient.connected.get(0), frame(8, 3)));
        Await.until("the TLS side refused plaintext", () -> tlsServer.transport.stats().tlsNotTls() >= 1);
        assertTrue(tlsServer.accepted.isEmpty());
        assertFalse(Arrays.asList(tlsServer.frames.toArray()).stream().findAny().isPresent());
    }
}
