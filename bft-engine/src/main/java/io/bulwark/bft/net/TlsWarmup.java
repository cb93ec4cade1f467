package io.bulwark.bft.net;

import java.nio.ByteBuffer;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.MessageDigest;
import java.security.spec.ECGenParameterSpec;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.Map;
import java.util.function.Consumer;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLEngineResult;
import javax.net.ssl.SSLException;

/**
 * Sends a few thousand pages through a TLS connection held in memory, and hashes them, on a background thread when
 * a replica process starts: the JIT then has compiled the record layer, AES-GCM with its CPU intrinsics and SHA-256
 * by the time the replica needs them.
 * <p>
 * Why: a fresh replica process fetching 100 MB of state (section 4.6.2; {@code bulwark bench transfer}) spent over
 * half of its event loop in the JDK's Java GHASH of the records it decrypted, code that compiled code replaces with
 * carry-less multiplication instructions; the transfer ran while the compilers caught up. A replica starts cold after
 * every proactive-recovery reboot (section 4.4) and then fetches what changed, so this is on the recovery's path.
 * Warming the cipher alone (javax.crypto with byte arrays and buffers) did not do it: the JIT inlined GCM into the
 * warm-up's own loop, and the record layer's calls into it stayed interpreted. So the warm-up is a real handshake
 * and real records, between two engines of a throwaway {@link TransportTls} (a fresh key that pins only itself).
 * Nothing here protects anything, and nothing touches the network.
 */
public final class TlsWarmup {
    /**
     * Records of one 4 KiB page. 2,000 was not enough: a JFR recording of a fresh replica's transfer still showed C2
     * compiling the record layer's GCM decryption (306 ms of a compiler thread) in the middle of it, on a machine of two
     * cores that the serving replicas share. With 20,000 the warm-up takes 1.5 s of a starting replica's wall time
     * against 1.1 s, in the background, and {@code bench transfer --no-lagging} measured 104.5 / 109.7 / 136.1 and
     * 116.9 / 79.8 / 105.7 MB/s for a fresh replica against 81.8 / 93.3 / 71.6 with 2,000 (A/B, each set started at
     * load under 1). {@code -Dbulwark.warmupRecords=N} overrides it, 0 turns it off.
     */
    public static final int DEFAULT_RECORDS = 20_000;
    private static final int PAGE = 4096;

    private TlsWarmup() {}

    /**
     * Starts {@link #run} on a low-priority daemon thread named {@code name}, which then tells {@code done} how long
     * it took, or why it failed (for the log); the caller goes on at once.
     */
    public static Thread startInBackground(String name, Consumer<String> done) {
        int records = Integer.getInteger("bulwark.warmupRecords", DEFAULT_RECORDS);
        Thread t = new Thread(() -> {
            long t0 = System.nanoTime();
            if (records <= 0) {
                done.accept("TLS and digest warm-up off (bulwark.warmupRecords=" + records + ")");
                return;
            }
            try {
                run(records);
                done.accept(String.format(java.util.Locale.ROOT, "TLS and digest warm-up (%d records of %d bytes) done in %.0f ms",
                        records, PAGE, Duration.ofNanos(System.nanoTime() - t0).toNanos() / 1e6));
            } catch (SSLException | RuntimeException e) {
                done.accept("TLS and digest warm-up failed, which costs only speed: " + e);
            }
        }, name);
        t.setDaemon(true);
        t.setPriority(Thread.MIN_PRIORITY);
        t.start();
        return t;
    }

    /** Handshakes two in-memory engines, then sends {@code records} pages from the dialer to the acceptor. */
    public static long run(int records) throws SSLException {
        SecureRandom random = new SecureRandom();
        KeyPair keys;
        MessageDigest sha256;
        try {   // the JDK directly: net sits below crypto in the engine's layers
            KeyPairGenerator g = KeyPairGenerator.getInstance("EC");
            g.initialize(new ECGenParameterSpec("secp256r1"), random);
            keys = g.generateKeyPair();
            sha256 = MessageDigest.getInstance("SHA-256");
        } catch (GeneralSecurityException e) {
            throw new SSLException("no EC P-256 or SHA-256 in this JDK", e);
        }
        TransportTls tls = new TransportTls(0, keys, Map.of(0, keys.getPublic().getEncoded()), random);
        SSLEngine client = tls.dialerEngine(0), server = tls.acceptorEngine();
        int packet = Math.max(client.getSession().getPacketBufferSize(), server.getSession().getPacketBufferSize());
        int app = Math.max(client.getSession().getApplicationBufferSize(), server.getSession().getApplicationBufferSize());
        ByteBuffer toServer = ByteBuffer.allocate(packet), toClient = ByteBuffer.allocate(packet);
        ByteBuffer clientIn = ByteBuffer.allocate(app), serverIn = ByteBuffer.allocate(app);
        ByteBuffer none = ByteBuffer.allocate(0);
        client.beginHandshake();
        server.beginHandshake();
        for (int steps = 0; !(done(client) && done(server)); steps++) {
            if (steps > 1_000) throw new SSLException("the in-memory handshake did not finish");
            step(client, none, toServer, toClient, clientIn);
            step(server, none, toClient, toServer, serverIn);
        }
        ByteBuffer page = ByteBuffer.allocate(PAGE);
        for (int i = 0; i < PAGE; i++) page.put(i, (byte) i);
        long sum = 0;
        for (int r = 0; r < records; r++) {
            page.clear();
            toServer.clear();
            check(client.wrap(page, toServer));
            toServer.flip();
            serverIn.clear();
            check(server.unwrap(toServer, serverIn));
            serverIn.flip();
            sha256.update(serverIn.array(), 0, serverIn.limit());
            sum += serverIn.get(r % PAGE) + java.util.Arrays.hashCode(sha256.digest());
        }
        client.closeOutbound();
        server.closeOutbound();
        return sum;
    }

    private static boolean done(SSLEngine e) {
        SSLEngineResult.HandshakeStatus s = e.getHandshakeStatus();
        return s == SSLEngineResult.HandshakeStatus.NOT_HANDSHAKING || s == SSLEngineResult.HandshakeStatus.FINISHED;
    }

    /** One round of an engine's handshake: run its tasks, read what the other sent, write what it has to send. */
    private static void step(SSLEngine e, ByteBuffer none, ByteBuffer in, ByteBuffer out, ByteBuffer appIn) throws SSLException {
        Runnable task;
        while ((task = e.getDelegatedTask()) != null) task.run();
        // `in` holds what the other engine wrote (it is in write mode): read it all, keep what is left.
        in.flip();
        while (in.hasRemaining()) {
            appIn.clear();
            SSLEngineResult r = e.unwrap(in, appIn);
            while ((task = e.getDelegatedTask()) != null) task.run();
            if (r.getStatus() != SSLEngineResult.Status.OK || r.bytesConsumed() == 0) break;
        }
        in.compact();
        while (e.getHandshakeStatus() == SSLEngineResult.HandshakeStatus.NEED_WRAP) {
            SSLEngineResult r = e.wrap(none, out);
            if (r.getStatus() != SSLEngineResult.Status.OK) break;
        }
        while ((task = e.getDelegatedTask()) != null) task.run();
    }

    private static void check(SSLEngineResult r) throws SSLException {
        if (r.getStatus() != SSLEngineResult.Status.OK) throw new SSLException("in-memory record: " + r);
    }
}
