package io.bulwark.bft.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.bulwark.bft.crypto.DeterministicRandom;
import io.bulwark.bft.node.NodeTls;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** TLS keys in cluster.conf and key files (issue 20): written by keygen, pinned, checked, and an older configuration told apart. */
class TlsConfigTest {

    @Test
    void keygenPinsATlsKeyPerPrincipalAndTheKeyFileHoldsItsPair(@TempDir Path dir) throws Exception {
        ClusterConfig c = Keygen.generate(dir, 4, 1, "127.0.0.1", 7400, new DeterministicRandom(1));
        assertTrue(c.tls(), "TLS is on by default");
        assertTrue(c.hasTlsKeys());
        String text = Files.readString(dir.resolve(ClusterConfigFile.FILE_NAME));
        assertTrue(text.contains("\ntls = on\n"), text);
        assertEquals(5, text.lines().filter(l -> (l.startsWith("replica ") || l.startsWith("client ")) && l.contains(" tls=")).count(),
                "one pinned key per principal");
        KeyMaterial k = KeyMaterial.load(dir, 4);
        assertNotNull(k.tlsPrivateKey());
        assertNotNull(NodeTls.forKeys(k));
        assertNull(NodeTls.forKeys(k.withTls(false)), "--tls=off");
        // Round trip, and 'tls = off' read back.
        ClusterConfig off = ClusterConfigFile.parse(Path.of("x"), ClusterConfigFile.format(c.withTls(false)));
        assertFalse(off.tls());
        assertEquals(c.withTls(false), off);
    }

    @Test
    void aBadTlsSettingOrKeyNamesTheLine(@TempDir Path dir) throws Exception {
        Keygen.generate(dir, 4, 0, "127.0.0.1", 7400, new DeterministicRandom(2));
        String text = Files.readString(dir.resolve(ClusterConfigFile.FILE_NAME));
        ConfigException e = assertThrows(ConfigException.class,
                () -> ClusterConfigFile.parse(Path.of("c"), text.replace("tls = on", "tls = maybe")));
        assertTrue(e.getMessage().contains("expected on or off"), e.getMessage());
        String badKey = text.replaceFirst(" tls=[A-Za-z0-9+/=]+", " tls=AAAA");
        e = assertThrows(ConfigException.class, () -> ClusterConfigFile.parse(Path.of("c"), badKey));
        assertTrue(e.getMessage().contains("tls= is not a valid P-256 public key"), e.getMessage());
    }

    @Test
    void aKeyFileWhoseTlsKeyIsNotThePinnedOneIsRefused(@TempDir Path dir) throws Exception {
        Keygen.generate(dir, 4, 0, "127.0.0.1", 7400, new DeterministicRandom(3));
        Path k0 = dir.resolve("replica-0.key"), k1 = dir.resolve("replica-1.key");
        String tls1 = Files.readAllLines(k1).stream().filter(l -> l.startsWith("tls = ")).findFirst().orElseThrow();
        String text0 = Files.readString(k0).replaceFirst("tls = [A-Za-z0-9+/=]+", tls1);
        Files.writeString(k0, text0, StandardCharsets.UTF_8);
        ConfigException e = assertThrows(ConfigException.class, () -> KeyMaterial.load(dir, 0));
        assertTrue(e.getMessage().contains("tls key does not match"), e.getMessage());
    }

    @Test
    void aConfigurationFromBeforeTlsGetsAClearMessageUnlessTlsIsOff(@TempDir Path dir) throws Exception {
        Keygen.generate(dir, 4, 1, "127.0.0.1", 7400, new DeterministicRandom(4));
        // What keygen wrote before TLS: no tls= keys, no 'tls =' line, no tls key in the key files.
        Path conf = dir.resolve(ClusterConfigFile.FILE_NAME);
        String old = Files.readString(conf).replaceAll(" tls=[A-Za-z0-9+/=]+", "").replaceAll("(?m)^tls = on\\n", "");
        Files.writeString(conf, old);
        for (String f : new String[] {"replica-0.key", "replica-1.key", "replica-2.key", "replica-3.key", "client-4.key"}) {
            Path p = dir.resolve(f);
            Files.writeString(p, Files.readString(p).replaceAll("(?m)^tls = .*\\n", ""));
        }
        KeyMaterial k = KeyMaterial.load(dir, 0);
        assertTrue(k.config().tls(), "still on by default");
        assertFalse(k.config().hasTlsKeys());
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> NodeTls.forKeys(k));
        assertEquals(NodeTls.NO_TLS_KEYS, e.getMessage());
        assertNull(NodeTls.forKeys(k.withTls(false)), "runs in plaintext with --tls=off");
        Files.writeString(conf, old.replace("f = 1\n", "f = 1\ntls = off\n"));
        assertNull(NodeTls.forKeys(KeyMaterial.load(dir, 0)), "or with 'tls = off' in cluster.conf");
    }
}
