package io.bulwark.bft.net;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.Arrays;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * Round-trip latency of 64-byte frames between two transports over loopback, one frame in
 * flight (ping-pong). A command, not a test: {@code java -cp target/classes:target/test-classes
 * io.bulwark.bft.net.EchoBenchmark [rounds] [warmup]}.
 *
 * <p>Two set-ups: each transport on its own event loop (two threads, as two processes would
 * be), and both on one loop (one thread does both ends: no cross-thread wake-ups at all).
 */
public final class EchoBenchmark {
    private static final int FRAME = 64;

    public static void main(String[] args) throws Exception {
        int rounds = args.length > 0 ? Integer.parseInt(args[0]) : 200_000;
        int warmup = args.length > 1 ? Integer.parseInt(args[1]) : 50_000;
        System.out.printf("echo of %d-byte frames, %d warm-up + %d measured round trips, %d cpus, %s%n",
                FRAME, warmup, rounds, Runtime.getRuntime().availableProcessors(), System.getProperty("java.vm.version"));
        for (boolean shared : new boolean[] {false, true, false, true}) run(shared, warmup, rounds);
    }

    private static void run(boolean sharedLoop, int warmup, int rounds) throws Exception {
        EventLoop clientLoop = EventLoop.start("echo-client");
        EventLoop serverLoop = sharedLoop ? clientLoop : EventLoop.start("echo-server");
        long[] rtt = new long[rounds];
        CountDownLatch done = new CountDownLatch(1);
        Transport[] server = new Transport[1];
        server[0] = new Transport(serverLoop, 1, TransportConfig.defaults(), new FrameHandler() {
            @Override
            public void onFrame(Connection conn, byte[] buf, int off, int len) {
                server[0].send(conn, buf);   // echo on the connection it came in on
            }
        });
        Transport[] client = new Transport[1];
        client[0] = new Transport(clientLoop, 0, TransportConfig.defaults(), new FrameHandler() {
            int i = -warmup;
            long sentAt;

            @Override
            public void onConnected(Connection conn) { ping(); }

            @Override
            public void onFrame(Connection conn, byte[] buf, int off, int len) {
                long now = System.nanoTime();
                if (i >= 0) rtt[i] = now - sentAt;
                if (++i == rounds) {
                    done.countDown();
                    return;
                }
                ping();
            }

            private void ping() {
                sentAt = System.nanoTime();
                client[0].send(1, new byte[FRAME]);
            }
        });
        int port = server[0].listen(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
        long t0 = System.nanoTime();
        client[0].dial(1, new InetSocketAddress(InetAddress.getLoopbackAddress(), port));
        if (!done.await(5, TimeUnit.MINUTES)) throw new IllegalStateException("benchmark did not finish");
        double secs = (System.nanoTime() - t0) / 1e9;
        TransportStats cs = client[0].stats();
        client[0].close();
        server[0].close();
        clientLoop.close();
        serverLoop.close();
        Arrays.sort(rtt);
        System.out.printf("%-22s p50 %6.1f us  p90 %6.1f us  p99 %6.1f us  p99.9 %7.1f us  max %8.1f us  | %,.0f round trips/s, client writes/frame %.2f%n",
                sharedLoop ? "one loop (1 thread):" : "two loops (2 threads):",
                pct(rtt, 50), pct(rtt, 90), pct(rtt, 99), pct(rtt, 99.9), rtt[rtt.length - 1] / 1e3,
                (warmup + rounds) / secs, (double) cs.writeSyscalls() / cs.framesOut());
    }

    private static double pct(long[] sorted, double p) {
        int idx = (int) Math.min(sorted.length - 1, Math.ceil(p / 100 * sorted.length) - 1);
        return sorted[Math.max(0, idx)] / 1e3;
    }
}
