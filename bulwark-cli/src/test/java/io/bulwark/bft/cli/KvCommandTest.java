package io.bulwark.bft.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.bulwark.bft.config.ClusterConfigFile;
import io.bulwark.bft.config.ProtocolConfig;
import io.bulwark.bft.durable.PrincipalLock;
import io.bulwark.bft.durable.ProcessLock;
import io.bulwark.bft.node.LocalCluster;
import io.bulwark.bft.service.KvService;
import io.bulwark.bft.testkit.MiniCluster;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** {@code bulwark kv} tells the truth (issue 15 item 5): one operation per call, missing and empty values apart, sane timeouts. */
@Timeout(120)
class KvCommandTest {
    private record Run(int exit, String out, String err) {}

    private static Run kv(Path conf, String... args) {
        List<String> all = new ArrayList<>(List.of("kv", "--config", conf.toString(), "--client", "4"));
        all.addAll(List.of(args));
        StringWriter err = new StringWriter();
        ByteArrayOutputStream out = new ByteArrayOutputStream(), err2 = new ByteArrayOutputStream();
        PrintStream stdout = System.out, stderr = System.err;
        System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
        System.setErr(new PrintStream(err2, true, StandardCharsets.UTF_8));
        try {
            int exit = BulwarkCli.commandLine().setErr(new PrintWriter(err)).execute(all.toArray(new String[0]));
            return new Run(exit, out.toString(StandardCharsets.UTF_8), err + err2.toString(StandardCharsets.UTF_8));
        } finally {
            System.setOut(stdout);
            System.setErr(stderr);
        }
    }

    @Test
    void usageShowsOneOperationAndBadArgumentsAreRefused(@TempDir Path dir) throws Exception {
        StringWriter help = new StringWriter();
        BulwarkCli.commandLine().setOut(new PrintWriter(help)).execute("kv", "--help");
        assertTrue(help.toString().contains("OP KEY [VALUE]"), help.toString());
        assertFalse(help.toString().contains("..."), "one operation per call: " + help);
        LocalCluster.prepare(dir, 1, 1);
        Path conf = dir.resolve(ClusterConfigFile.FILE_NAME);
        Run zero = kv(conf, "--timeout", "0", "get", "k");
        assertEquals(2, zero.exit());
        assertTrue(zero.err().contains("--timeout must be at least 1 second"), zero.err());
        assertEquals(2, kv(conf, "--timeout", "-5", "get", "k").exit());
        assertEquals(2, kv(conf, "put", "k").exit(), "put needs a value");
        assertEquals(2, kv(conf, "get", "k", "v", "extra").exit(), "one operation per call");
    }

    @Test
    void aMissingKeyAnEmptyValueAndAValueReadingNotFoundAreTold(@TempDir Path dir) throws Exception {
        try (MiniCluster g = MiniCluster.builder(dir).protocol(ProtocolConfig.defaults(1)).clients(1).service(i -> new KvService()).build()) {
            Path conf = g.configFile();
            Run missing = kv(conf, "--timeout", "30", "get", "nothing-here");
            assertEquals(KvCommand.NOT_FOUND, missing.exit(), missing.out() + missing.err());
            assertEquals("", missing.out(), "nothing on standard output for a missing key");
            assertTrue(missing.err().contains("no value for key 'nothing-here'"), missing.err());

            assertEquals(0, kv(conf, "--timeout", "30", "put", "empty", "").exit());
            Run empty = kv(conf, "--timeout", "30", "get", "empty");
            assertEquals(0, empty.exit(), empty.err());
            assertEquals(System.lineSeparator(), empty.out(), "an empty value is an empty line");

            assertEquals(0, kv(conf, "--timeout", "30", "put", "odd", "(not found)").exit());
            Run odd = kv(conf, "--timeout", "30", "get", "odd");
            assertEquals(0, odd.exit());
            assertEquals("(not found)" + System.lineSeparator(), odd.out());
        }
    }

    /** Two processes with one client id: the second fails at once and says who holds it (issue 12: the demo's "try it" line). */
    @Test
    void aSecondClientWithTheSameIdIsRefused(@TempDir Path dir) throws Exception {
        var cluster = LocalCluster.prepare(dir, 1, 1);
        Path conf = dir.resolve(ClusterConfigFile.FILE_NAME);
        try (ProcessLock first = PrincipalLock.acquire(dir, cluster, 4)) {
            Run second = kv(conf, "--timeout", "1", "get", "k");
            assertEquals(1, second.exit(), second.out() + second.err());
            assertTrue(second.err().contains("bulwark kv: client 4 (key file " + dir.resolve("client-4.key") + ") is in use by this process (pid "
                    + ProcessHandle.current().pid() + ")"), second.err());
        }
        // Released: the next one runs (no group here, so it reports that instead).
        Run third = kv(conf, "--timeout", "1", "get", "k");
        assertEquals(1, third.exit());
        assertTrue(third.err().contains("could not connect"), third.err());
    }
}
