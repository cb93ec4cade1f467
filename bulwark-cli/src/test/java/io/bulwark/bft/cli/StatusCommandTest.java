package io.bulwark.bft.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.bulwark.bft.config.ProtocolConfig;
import io.bulwark.bft.service.KvOps;
import io.bulwark.bft.service.KvService;
import io.bulwark.bft.testkit.MiniCluster;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** {@code bulwark status}: every replica asked through the protocol; exit 1 once fewer than 2f+1 share a view (issue 15 item 4). */
@Timeout(120)
class StatusCommandTest {
    private record Run(int exit, String out, String err) {}

    private static Run status(Path conf, String... more) {
        StringWriter err = new StringWriter();
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        PrintStream stdout = System.out, stderr = System.err;
        ByteArrayOutputStream errBytes = new ByteArrayOutputStream();
        System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
        System.setErr(new PrintStream(errBytes, true, StandardCharsets.UTF_8));
        try {
            List<String> args = new java.util.ArrayList<>(List.of("status", "--config", conf.toString(), "--timeout", "4"));
            args.addAll(List.of(more));
            int exit = BulwarkCli.commandLine().setErr(new PrintWriter(err)).execute(args.toArray(String[]::new));
            return new Run(exit, out.toString(StandardCharsets.UTF_8), err + errBytes.toString(StandardCharsets.UTF_8));
        } finally {
            System.setOut(stdout);
            System.setErr(stderr);
        }
    }

    /** The printed line of replica {@code j}. */
    private static String line(Run r, int j) {
        return r.out().lines().filter(l -> l.startsWith(j + " ")).findFirst().orElseThrow(() -> new AssertionError("no line for replica " + j + ":\n" + r.out()));
    }

    @Test
    void printsEveryReplicaAndFailsOnceFewerThanTwoFPlusOneShareAView(@TempDir Path dir) throws Exception {
        try (MiniCluster g = MiniCluster.builder(dir).protocol(ProtocolConfig.defaults(1)).clients(2).service(i -> new KvService()).build()) {
            Path conf = g.configFile();
            var c = g.client(0);
            for (int i = 0; i < 3; i++) assertEquals("OK", KvOps.describe(c.invoke(KvOps.put("k", "v" + i), false, Duration.ofSeconds(30))));
            for (int j = 0; j < 4; j++) {
                var r = g.replica(j);
                g.await("replica " + j + " to execute the writes", () -> r.executedRequests() >= 3);
            }

            Run all = status(conf);
            assertEquals(0, all.exit(), all.out() + all.err());
            assertTrue(all.out().contains("asking as client 5"), all.out());
            for (int j = 0; j < 4; j++) {
                String l = line(all, j);
                assertTrue(l.matches(j + "\\s+0\\s+0\\s+[1-9]\\d*\\s+0\\s+active\\s+0\\s+transfers=0 pages=0 .*requests_executed=3.*"), l);
            }
            assertTrue(all.out().contains("4 of 4 replicas share view 0"), all.out());

            g.stop(3);
            Run three = status(conf, "--client", "5");
            System.out.println("bulwark status, replica 3 stopped:\n" + three.out());
            assertEquals(0, three.exit(), three.out() + three.err());
            assertTrue(line(three, 3).contains("unreachable"), three.out());
            assertTrue(three.out().contains("3 of 4 replicas share view 0"), three.out());

            g.stop(2);
            Run two = status(conf);
            assertEquals(1, two.exit(), two.out() + two.err());
            assertTrue(line(two, 2).contains("unreachable") && line(two, 3).contains("unreachable"), two.out());
            assertTrue(two.out().contains("only 2 of 4 replicas share view 0"), two.out());
            assertTrue(two.err().contains("fewer than 2f+1 = 3 replicas share an installed view"), two.err());

            Run bad = status(conf, "--client", "1");
            assertEquals(2, bad.exit(), "a replica is no client: " + bad.err());
        }
    }
}
