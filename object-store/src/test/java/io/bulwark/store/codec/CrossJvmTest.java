package io.bulwark.store.codec;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * Equal graphs give equal bytes across separate JVM runs: other JVMs, with other identity hash code
 * algorithms (which move enums around in hash sets), other Set.of/Map.of salts, another registration
 * order and another insertion order, print the same hex as this one.
 */
class CrossJvmTest {
    private static final long DEADLINE_SECONDS = 120;

    @TempDir
    Path dir;

    @Test
    void otherJvmsEncodeTheSameGraphsToTheSameBytes() throws Exception {
        List<String> here = CodecProbe.encodings(Fixtures.codec(), 1);
        assertEquals(here, run("2", "reverse", 2), "-XX:hashCode=2, reverse registration, seed 2");
        assertEquals(here, run("3", "forward", 3), "-XX:hashCode=3, forward registration, seed 3");
    }

    private List<String> run(String hashCodeMode, String order, long seed) throws IOException, InterruptedException {
        Path out = dir.resolve("probe-" + hashCodeMode + ".txt");
        Process process = new ProcessBuilder(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-XX:+UnlockExperimentalVMOptions", "-XX:hashCode=" + hashCodeMode,
                "-cp", System.getProperty("java.class.path"),
                CodecProbe.class.getName(), order, Long.toString(seed))
                .redirectErrorStream(true)
                .redirectOutput(out.toFile())
                .start();
        try {
            if (!process.waitFor(DEADLINE_SECONDS, TimeUnit.SECONDS)) {
                fail("probe JVM did not finish within " + DEADLINE_SECONDS + " s");
            }
        } finally {
            process.destroyForcibly();
        }
        String output = Files.readString(out, StandardCharsets.UTF_8);
        assertTrue(process.exitValue() == 0, "probe JVM failed:\n" + output);
        return output.lines().toList();
    }
}
