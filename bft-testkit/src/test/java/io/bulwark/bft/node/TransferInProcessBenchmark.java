package io.bulwark.bft.node;

import io.bulwark.bft.config.ProtocolConfig;
import io.bulwark.bft.service.FillService;
import io.bulwark.bft.testkit.MiniCluster;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * State transfer with all four replicas in this JVM, several rounds, so rounds after the first run
 * JIT-compiled code: separates the transfer's own cost from a fresh JVM's warm-up (which
 * {@code bulwark bench transfer}, with real processes, includes). A command, not a test:
 * {@code java -Xmx8g -XX:+UseSerialGC -cp bft-engine/target/test-classes:bft-engine/target/bulwark-cli.jar
 * io.bulwark.bft.node.TransferInProcessBenchmark [pages] [rounds]} (after {@code ./mvnw -pl bft-engine package}).
 */
public final class TransferInProcessBenchmark {
    public static void main(String[] args) throws Exception {
        int pages = args.length > 0 ? Integer.parseInt(args[0]) : 262_144;
        int rounds = args.length > 1 ? Integer.parseInt(args[1]) : 4;
        for (int r = 1; r <= rounds; r++) round(r, pages);
        System.exit(0);
    }

    private static void round(int round, int pages) throws Exception {
        Path dir = Files.createTempDirectory("bulwark-transfer-inproc-");
        ProtocolConfig cfg = ProtocolConfig.defaults(1);
        try (MiniCluster g = MiniCluster.builder(dir).protocol(cfg).clients(4).service(i -> new FillService()).pages(pages)
                .startOnly(0, 1, 2).waitLimit(Duration.ofSeconds(30)).build()) {
            List<BftClient> clients = new ArrayList<>();
            for (int c = 0; c < 4; c++) clients.add(g.client(c));
            int missing = pages / 10, per = 64, requests = (missing + per - 1) / per, left = missing;
            List<CompletableFuture<byte[]>> fs = new ArrayList<>();
            for (int r = 0; r < requests; r++) {
                int count = Math.min(per, left);
                left -= count;
                fs.add(clients.get(r % 4).invokeAsync(FillService.write((int) ((long) r * pages / requests), count, round * 1000L + r), false));
            }
            for (CompletableFuture<byte[]> f : fs) FillService.resultValue(f.get(120, TimeUnit.SECONDS));
            for (int i = 0; i < cfg.logSize() + 2 * cfg.checkpointInterval(); i++)
                FillService.resultValue(clients.get(0).invoke(FillService.write(0, 0, 0), false, Duration.ofSeconds(60)));
            long t0 = System.nanoTime();
            ReplicaNode late = g.start(3);
            long built = System.nanoTime();
            while (late.lastTransfer() == null) {
                if (System.nanoTime() - t0 > 600_000_000_000L) throw new IllegalStateException("no transfer");
                Thread.sleep(5);
            }
            System.out.printf("round %d: %s; constructing and starting the late replica took %.0f ms, launch to done %.0f ms%n",
                    round, late.lastTransfer(), (built - t0) / 1e6, (System.nanoTime() - t0) / 1e6);
        } finally {
            try (var paths = Files.walk(dir)) { paths.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete()); }
        }
    }
}
