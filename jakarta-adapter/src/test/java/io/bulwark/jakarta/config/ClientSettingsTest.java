package io.bulwark.jakarta.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.UncheckedIOException;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.eclipse.microprofile.config.spi.ConfigProviderResolver;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Where a client's settings come from and what an operator is told when they are wrong. MicroProfile Config is
 * SmallRye's (a test dependency), reading an application's {@code META-INF/microprofile-config.properties} through a
 * class loader over a temporary directory, as a server reads a WAR's.
 */
class ClientSettingsTest {
    private static final List<String> KEYS = List.of(ClientSettings.CONFIG, ClientSettings.ID, ClientSettings.TIMEOUT,
            ClientSettings.HEALTH_TIMEOUT, ClientSettings.FILE_PROPERTY);
    @TempDir Path dir;
    private Path clusterA, clusterB, clusterC;

    @BeforeEach
    void files() throws Exception {
        clusterA = Files.writeString(Files.createDirectories(dir.resolve("a")).resolve("cluster.conf"), "a");
        clusterB = Files.writeString(Files.createDirectories(dir.resolve("b")).resolve("cluster.conf"), "b");
        clusterC = Files.writeString(Files.createDirectories(dir.resolve("c")).resolve("cluster.conf"), "c");
        KEYS.forEach(System::clearProperty);
    }

    @AfterEach
    void clear() { KEYS.forEach(System::clearProperty); }

    @Test
    void microProfileConfigFirstThenBulwarkPropertiesThenSystemProperties() throws Exception {
        Path app = Files.createDirectories(dir.resolve("app/META-INF")).getParent();
        Files.writeString(app.resolve("META-INF/microprofile-config.properties"),
                ClientSettings.CONFIG + "=" + clusterA + "\n" + ClientSettings.ID + "=4\n" + ClientSettings.TIMEOUT + "=1500\n");
        Files.writeString(app.resolve(ClientSettings.RESOURCE), ClientSettings.CONFIG + "=" + clusterB + "\n" + ClientSettings.ID + "=5\n");
        try (URLClassLoader loader = loaderOver(app)) {
            assertTrue(ClientSettings.microProfileConfigPresent(loader));
            assertEquals(new ClientSettings(clusterA, 4, Duration.ofMillis(1500), ClientSettings.DEFAULT_HEALTH_TIMEOUT, "MicroProfile Config"),
                    resolve(loader));
            // Inside MicroProfile Config its own ordinals decide: a system property (400) overrides the application's file (100).
            System.setProperty(ClientSettings.ID, "6");
            assertEquals(6, resolve(loader).clientId());
        }

        // No MicroProfile Config key anywhere: bulwark.properties on the class path.
        System.clearProperty(ClientSettings.ID);
        Files.delete(app.resolve("META-INF/microprofile-config.properties"));
        try (URLClassLoader loader = loaderOver(app)) {
            ClientSettings s = resolve(loader);
            assertEquals(clusterB, s.clusterConfig());
            assertEquals(5, s.clientId());
            assertEquals(ClientSettings.DEFAULT_TIMEOUT, s.timeout());
            assertTrue(s.source().endsWith("app/" + ClientSettings.RESOURCE), s.source());
        }

        // A file named by bulwark.config.file replaces the class path's.
        Path named = Files.writeString(dir.resolve("ops.properties"), ClientSettings.CONFIG + "=" + clusterC + "\n" + ClientSettings.ID + "=7\n"
                + ClientSettings.HEALTH_TIMEOUT + "=250\n");
        System.setProperty(ClientSettings.FILE_PROPERTY, named.toString());
        try (URLClassLoader loader = loaderOver(app)) {
            ClientSettings s = resolve(loader);
            assertEquals(List.of(clusterC, 7, Duration.ofMillis(250), named.toAbsolutePath().toString()),
                    List.of(s.clusterConfig(), s.clientId(), s.healthTimeout(), s.source()));
        }
        // ... and must exist: a wrong path is an error naming it, not "unset".
        System.setProperty(ClientSettings.FILE_PROPERTY, dir.resolve("nope.properties").toString());
        UncheckedIOException missing = assertThrows(UncheckedIOException.class, () -> ClientSettings.sources(getClass().getClassLoader()));
        assertTrue(missing.getMessage().contains("nope.properties") && missing.getMessage().contains(ClientSettings.FILE_PROPERTY), missing.getMessage());
    }

    @Test
    void withoutMicroProfileConfigTheFileBeatsTheSystemProperties() throws Exception {
        Path app = Files.createDirectories(dir.resolve("plain"));
        Files.writeString(app.resolve(ClientSettings.RESOURCE), ClientSettings.CONFIG + "=" + clusterB + "\n" + ClientSettings.ID + "=5\n");
        System.setProperty(ClientSettings.CONFIG, clusterC.toString());
        System.setProperty(ClientSettings.ID, "6");
        // A class loader that does not see the MicroProfile Config API (the platform loader's child): as a plain Java SE process.
        try (URLClassLoader loader = new URLClassLoader(new URL[] {app.toUri().toURL()}, ClassLoader.getPlatformClassLoader())) {
            assertFalse(ClientSettings.microProfileConfigPresent(loader));
            ClientSettings s = resolve(loader);
            assertEquals(List.of(clusterB, 5), List.of(s.clusterConfig(), s.clientId()));
            Files.delete(app.resolve(ClientSettings.RESOURCE));
        }
        try (URLClassLoader loader = new URLClassLoader(new URL[] {app.toUri().toURL()}, ClassLoader.getPlatformClassLoader())) {
            assertEquals(List.of("the system properties"), ClientSettings.sources(loader).stream().map(SettingsSource::name).toList());
            ClientSettings s = resolve(loader);
            assertEquals(List.of(clusterC, 6, "the system properties"), List.of(s.clusterConfig(), s.clientId(), s.source()));
        }
    }

    @Test
    void errorsNameTheMissingOrMalformedKeyAndItsSource() {
        SettingsSource empty = source("first", Map.of()), other = source("second", Map.of(ClientSettings.ID, "4"));
        IllegalStateException none = assertThrows(IllegalStateException.class, () -> ClientSettings.resolve(List.of(empty, other)));
        assertTrue(none.getMessage().contains(ClientSettings.CONFIG + " (the path of the group's cluster.conf) is not set in first, second"), none.getMessage());

        // The first source that names the cluster file is the one read: its id is missing, another source's is not used.
        SettingsSource noId = source("ops", Map.of(ClientSettings.CONFIG, clusterA.toString()));
        IllegalStateException id = assertThrows(IllegalStateException.class, () -> ClientSettings.resolve(List.of(noId, other)));
        assertTrue(id.getMessage().startsWith(ClientSettings.ID + " (this client's id, a client of " + clusterA + ") is not set in ops"), id.getMessage());

        assertRefused(Map.of(ClientSettings.CONFIG, clusterA + "-gone", ClientSettings.ID, "4"), ClientSettings.CONFIG + " = " + clusterA + "-gone (from ops): no such file");
        assertRefused(Map.of(ClientSettings.CONFIG, clusterA.toString(), ClientSettings.ID, "four"), ClientSettings.ID + " = four (from ops) is not a non-negative integer");
        assertRefused(Map.of(ClientSettings.CONFIG, clusterA.toString(), ClientSettings.ID, "-1"), ClientSettings.ID + " = -1 (from ops) is not a non-negative integer");
        assertRefused(Map.of(ClientSettings.CONFIG, clusterA.toString(), ClientSettings.ID, "4294967300"), ClientSettings.ID + " = 4294967300");
        assertRefused(Map.of(ClientSettings.CONFIG, clusterA.toString(), ClientSettings.ID, "4", ClientSettings.TIMEOUT, "0"), ClientSettings.TIMEOUT + " = 0 (from ops) must be positive");
        assertRefused(Map.of(ClientSettings.CONFIG, clusterA.toString(), ClientSettings.ID, "4", ClientSettings.HEALTH_TIMEOUT, "2s"), ClientSettings.HEALTH_TIMEOUT + " = 2s (from ops)");

        // Blank values are unset; surrounding blanks are ignored.
        ClientSettings ok = ClientSettings.resolve(List.of(source("blank", Map.of(ClientSettings.CONFIG, "  ")),
                source("ops", Map.of(ClientSettings.CONFIG, " " + clusterA + " ", ClientSettings.ID, " 4 "))));
        assertEquals(List.of(clusterA, 4, "ops"), List.of(ok.clusterConfig(), ok.clientId(), ok.source()));
    }

    private static void assertRefused(Map<String, String> values, String message) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> ClientSettings.resolve(List.of(source("ops", values))));
        assertTrue(e.getMessage().startsWith(message), e.getMessage());
    }

    private static SettingsSource source(String name, Map<String, String> values) {
        return new SettingsSource() {
            @Override public String name() { return name; }
            @Override public Optional<String> get(String key) {
                return Optional.ofNullable(values.get(key)).map(String::strip).filter(v -> !v.isEmpty());
            }
        };
    }

    /** Resolves as the adapter does, and releases SmallRye's configuration of that loader (it caches one per loader). */
    private static ClientSettings resolve(ClassLoader loader) {
        try {
            return ClientSettings.resolve(ClientSettings.sources(loader));
        } finally {
            if (ClientSettings.microProfileConfigPresent(loader))
                ConfigProviderResolver.instance().releaseConfig(org.eclipse.microprofile.config.ConfigProvider.getConfig(loader));
        }
    }

    private static URLClassLoader loaderOver(Path dir) throws Exception {
        return new URLClassLoader(new URL[] {dir.toUri().toURL()}, ClientSettingsTest.class.getClassLoader());
    }
}
