package io.bulwark.bft.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.bulwark.bft.config.ProtocolConfig;
import io.bulwark.bft.service.KvService;
import io.bulwark.bft.testkit.MiniCluster;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** {@code bulwark kv} without an operation: one answer line per input line, over one connection (issue 15 item 5). */
@Timeout(120)
class KvSessionTest {
    private record Run(int exit, String out, String err) {}

    private static Run session(Path conf, String input) {
        StringWriter err = new StringWriter();
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        InputStream stdin = System.in;
        PrintStream stdout = System.out;
        System.setIn(new ByteArrayInputStream(input.getBytes(StandardCharsets.UTF_8)));
        System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
        try {
            int exit = BulwarkCli.commandLine().setErr(new PrintWriter(err))
                    .execute("kv", "--config", conf.toString(), "--client", "4", "--timeout", "30");
            return new Run(exit, out.toString(StandardCharsets.UTF_8), err.toString());
        } finally {
            System.setIn(stdin);
            System.setOut(stdout);
        }
    }

    @Test
    void eachLineGetsOneAnswerAndABadLineDoesNotEndTheSession(@TempDir Path dir) throws Exception {
        try (MiniCluster g = MiniCluster.builder(dir).protocol(ProtocolConfig.defaults(1)).clients(1).service(i -> new KvService()).build()) {
            Path conf = g.configFile();
            Run clean = session(conf, String.join("\n",
                    "put greeting hello world", "get greeting", "# a comment", "", "put empty", "get empty",
                    "get nothing-here", "put odd (not found)", "get odd", "delete greeting", "get greeting") + "\n");
            assertEquals(0, clean.exit(), clean.out() + clean.err());
            assertEquals(List.of("ok", "value hello world", "ok", "value ", "none", "ok", "value (not found)", "ok", "none"),
                    clean.out().lines().toList());

            Run bad = session(conf, "frobnicate k\nget\nput k " + "x".repeat(5_000) + "\nput k v\nget k\n");
            assertEquals(1, bad.exit(), "a session with an error line exits 1: " + bad.out());
            List<String> lines = bad.out().lines().toList();
            assertEquals(5, lines.size(), bad.out());
            assertTrue(lines.get(0).startsWith("error unknown operation 'frobnicate'"), lines.get(0));
            assertEquals("error usage: get KEY", lines.get(1));
            assertTrue(lines.get(2).startsWith("error value must be at most"), lines.get(2));
            assertEquals(List.of("ok", "value v"), lines.subList(3, 5));
        }
    }
}
