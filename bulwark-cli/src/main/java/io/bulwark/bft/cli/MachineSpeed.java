package io.bulwark.bft.cli;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;
import java.util.Locale;
import java.util.SplittableRandom;

/**
 * A calibration printed beside a benchmark's figures: how fast this machine was when they were taken.
 * <p>
 * Issue 16 asks for the same answer within 15% across three runs, and this machine (a paravirtualized
 * guest on a shared host) moved 20–30% within minutes on unchanged code: the simulator measured 18,600–19,100
 * and, twenty minutes later, 15,200 requests/s with the same build and flags. Two figures, measured the same
 * way every time, let a reader tell such a move from a change in Bulwark:
 * <ul>
 *   <li>SHA-256 on one thread (MiB/s): the CPU's speed, as digests and the JIT-compiled paths see it;</li>
 *   <li>the time to touch a page of fresh memory for the first time (µs per 4 KiB page): about 10 µs on this
 *       guest, some 50 times bare metal's, so that a JVM growing its heap pays for it dearly (the simulator's
 *       young generation is fixed for this reason: the launcher's comment);</li>
 *   <li>the median round trip of one byte over a loopback TCP connection between two threads (µs): the
 *       system calls and wake-ups a replica pays for every message, which dominate the engine's figures
 *       on this machine (issue 16 item 1).</li>
 * </ul>
 * It takes about half a second. It uses a loopback socket on an ephemeral port, closed before it returns.
 */
public record MachineSpeed(double sha256MiBPerSecond, double pageFaultMicros, double loopbackRoundTripMicros, String unavailable) {
    private static final int SHA_BUFFER = 1 << 20;
    private static final int SHA_ROUNDS = 5;
    private static final int SHA_MIB_PER_ROUND = 32;
    private static final int TOUCH_BYTES = 16 << 20;
    private static final int TOUCH_ROUNDS = 3;
    private static final int WARMUP_TRIPS = 300;
    private static final int MEASURED_TRIPS = 3_000;
    /** A round trip that takes longer than this means something is wrong; the calibration gives up. */
    private static final int SOCKET_TIMEOUT_MS = 5_000;

    /** Measures both figures; a figure that could not be measured is NaN, with the reason in {@link #unavailable}. */
    public static MachineSpeed measure() {
        double sha = measureSha256();
        double fault = measurePageFault();
        try {
            return new MachineSpeed(sha, fault, measureLoopbackRoundTrip(), null);
        } catch (IOException | RuntimeException e) {
            return new MachineSpeed(sha, fault, Double.NaN, "loopback round trip: " + e);
        }
    }

    /** One line for a benchmark's header: {@code when} is "at start" or "at end". */
    public String describe(String when) {
        String rtt = Double.isNaN(loopbackRoundTripMicros) ? "unavailable (" + unavailable + ")"
                : String.format(Locale.ROOT, "%.1f us", loopbackRoundTripMicros);
        return String.format(Locale.ROOT, "# machine %s: SHA-256 on one thread %.0f MiB/s, first touch of fresh memory %.2f us per 4 KiB page, "
                + "loopback TCP round trip p50 %s (a calibration, not a figure of Bulwark's: the same code runs faster where these show more "
                + "MiB/s and shorter times)", when, sha256MiBPerSecond, pageFaultMicros, rtt);
    }

    /** The best of a few rounds, so that the JIT's first compilation of the digest loop does not count. */
    private static double measureSha256() {
        byte[] data = new byte[SHA_BUFFER];
        new SplittableRandom(16).nextBytes(data);
        MessageDigest sha;
        try {
            sha = MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java platform has SHA-256", e);
        }
        double best = 0;
        for (int round = 0; round < SHA_ROUNDS; round++) {
            long t0 = System.nanoTime();
            for (int i = 0; i < SHA_MIB_PER_ROUND; i++) sha.update(data);
            byte[] d = sha.digest();
            long ns = System.nanoTime() - t0;
            if (d.length != 32) throw new IllegalStateException("SHA-256 gave " + d.length + " bytes");
            best = Math.max(best, SHA_MIB_PER_ROUND / (ns / 1e9));
        }
        return best;
    }

    /**
     * A fresh direct buffer is zeroed as it is allocated, one first touch (a page fault) per page of memory the
     * allocator has just mapped; the best of a few rounds. The buffers are garbage once measured.
     */
    private static double measurePageFault() {
        double best = Double.MAX_VALUE;
        for (int round = 0; round < TOUCH_ROUNDS; round++) {
            long t0 = System.nanoTime();
            java.nio.ByteBuffer b = java.nio.ByteBuffer.allocateDirect(TOUCH_BYTES);
            long ns = System.nanoTime() - t0;
            if (b.capacity() != TOUCH_BYTES) throw new IllegalStateException("allocated " + b.capacity() + " bytes");
            best = Math.min(best, ns / 1e3 / (TOUCH_BYTES / 4096));
        }
        return best;
    }

    private static double measureLoopbackRoundTrip() throws IOException {
        try (ServerSocket server = new ServerSocket()) {
            server.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 1);
            server.setSoTimeout(SOCKET_TIMEOUT_MS);
            Thread echo = new Thread(() -> echoOne(server), "bulwark-calibration-echo");
            echo.setDaemon(true);
            echo.start();
            try (Socket s = new Socket()) {
                s.setTcpNoDelay(true);
                s.setSoTimeout(SOCKET_TIMEOUT_MS);
                s.connect(server.getLocalSocketAddress(), SOCKET_TIMEOUT_MS);
                InputStream in = s.getInputStream();
                OutputStream out = s.getOutputStream();
                long[] trips = new long[MEASURED_TRIPS];
                for (int i = 0; i < WARMUP_TRIPS + MEASURED_TRIPS; i++) {
                    long t0 = System.nanoTime();
                    out.write(i & 0x7f);
                    if (in.read() != (i & 0x7f)) throw new IOException("the echo answered with another byte");
                    if (i >= WARMUP_TRIPS) trips[i - WARMUP_TRIPS] = System.nanoTime() - t0;
                }
                Arrays.sort(trips);
                return trips[MEASURED_TRIPS / 2] / 1e3;
            } finally {
                server.close();   // ends the echo thread's accept if the client never connected
                try {
                    echo.join(SOCKET_TIMEOUT_MS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
        }
    }

    /** Accepts one connection and echoes each byte until the other end closes it. */
    private static void echoOne(ServerSocket server) {
        try (Socket c = server.accept()) {
            c.setTcpNoDelay(true);
            c.setSoTimeout(SOCKET_TIMEOUT_MS);
            InputStream in = c.getInputStream();
            OutputStream out = c.getOutputStream();
            for (int b; (b = in.read()) >= 0; ) out.write(b);
        } catch (IOException e) {
            // The measuring side reports a failed round trip itself; a closed socket ends the echo.
        }
    }
}
