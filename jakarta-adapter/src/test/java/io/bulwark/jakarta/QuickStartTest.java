package io.bulwark.jakarta;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.bulwark.bft.config.ProtocolConfig;
import io.bulwark.bft.testkit.MiniCluster;
import io.bulwark.jakarta.host.CdiReplicaHost;
import io.bulwark.store.StoreDefinition;
import io.bulwark.store.access.AccessPolicy;
import io.bulwark.store.service.StoreService;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.tools.JavaCompiler;
import javax.tools.ToolProvider;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Keeps the README's quick start true: reads every {@code quickstart} code block out of
 * {@code jakarta-adapter/README.md}, compiles them as written, runs the replicas' part in the CDI replica
 * host on four loopback replicas, and runs {@code QuickStart.main} against them with a cluster.conf and a
 * client id, as a reader would.
 */
@Timeout(180)
class QuickStartTest {
    private static final Pattern BLOCK = Pattern.compile("<!-- quickstart:begin (\\S+) -->\\s*```java\\n(.*?)```\\s*<!-- quickstart:end -->", Pattern.DOTALL);

    @Test
    void theReadmeQuickStartCompilesAndRuns(@TempDir Path dir) throws Exception {
        String readme = Files.readString(Path.of("README.md"), StandardCharsets.UTF_8);
        Map<String, String> sources = new LinkedHashMap<>();
        for (Matcher m = BLOCK.matcher(readme); m.find(); ) sources.put(m.group(1), m.group(2));
        assertEquals(List.of("Note.java", "Notes.java", "NotesBean.java", "QuickStart.java"), List.copyOf(sources.keySet()));

        Path src = Files.createDirectories(dir.resolve("src/quickstart")), out = Files.createDirectories(dir.resolve("classes"));
        List<String> args = new ArrayList<>(List.of("-d", out.toString(), "-parameters", "-classpath", System.getProperty("java.class.path")));
        for (var e : sources.entrySet()) {
            Path f = src.resolve(e.getKey());
            Files.writeString(f, e.getValue());
            args.add(f.toString());
        }
        JavaCompiler javac = ToolProvider.getSystemJavaCompiler();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int rc = javac.run(null, null, err, args.toArray(String[]::new));
        assertEquals(0, rc, "the README's code does not compile: " + err.toString(StandardCharsets.UTF_8));

        try (URLClassLoader app = new URLClassLoader(new URL[] {out.toUri().toURL()}, QuickStartTest.class.getClassLoader())) {
            List<Class<?>> classes = new ArrayList<>();
            for (String n : sources.keySet()) classes.add(app.loadClass("quickstart." + n.replace(".java", "")));
            try (CdiReplicaHost host = CdiReplicaHost.boot(app, classes)) {
                StoreDefinition definition = host.definition(AccessPolicy.builder().grant(4, "alice").build());
                ProtocolConfig cfg = ProtocolConfig.defaults(1);
                try (MiniCluster g = MiniCluster.builder(dir.resolve("group")).protocol(cfg).clients(1).pages(64)
                        .service(i -> new StoreService(definition, cfg.maxResultBytes())).build()) {
                    String printed = runMain(app.loadClass("quickstart.QuickStart"), g.configFile().toString(), "4");
                    assertTrue(printed.startsWith("alice wrote 'buy milk' at "), printed);
                }
            }
        }
    }

    private static String runMain(Class<?> main, String... args) throws Exception {
        PrintStream saved = System.out;
        ByteArrayOutputStream captured = new ByteArrayOutputStream();
        System.setOut(new PrintStream(captured, true, StandardCharsets.UTF_8));
        try {
            main.getMethod("main", String[].class).invoke(null, (Object) args);
        } finally {
            System.setOut(saved);
        }
        return captured.toString(StandardCharsets.UTF_8);
    }
}
