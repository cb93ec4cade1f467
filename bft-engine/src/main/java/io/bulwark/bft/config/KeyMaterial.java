package io.bulwark.bft.config;

import io.bulwark.bft.crypto.CoProcessorException;
import io.bulwark.bft.crypto.FileCoProcessor;
import io.bulwark.bft.crypto.FilePermissions;
import io.bulwark.bft.crypto.ShareCipher;
import io.bulwark.bft.crypto.Signatures;
import io.bulwark.bft.crypto.TlsKeys;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Base64;
import java.util.HashMap;
import java.util.Map;

/**
 * One principal's secrets, loaded from a configuration directory: its Ed25519 signing key (which
 * only the co-processor uses), X25519 key-exchange key and TLS key (ECDSA P-256, PKCS#8; absent in
 * key files made before TLS), the cluster configuration, and the {@link FileCoProcessor} over its
 * counter file. Files per principal, mode 600 where possible:
 * <pre>
 * replica-0.key       id = 0 / sign = BASE64 / kex = BASE64 / tls = BASE64
 * replica-0.counter   the co-processor's monotonic counter
 * client-4.key, client-4.counter
 * </pre>
 * Loading checks that the private keys match the public keys in {@code cluster.conf}, so a
 * mixed-up file fails at start, not as a stream of rejected messages.
 */
public record KeyMaterial(ClusterConfig config, int id, byte[] signingPrivateKey, byte[] kexPrivateKey, byte[] tlsPrivateKey,
                          FileCoProcessor coProcessor) {

    public static String keyFileName(ClusterConfig config, int id) { return prefix(config, id) + ".key"; }

    public static String counterFileName(ClusterConfig config, int id) { return prefix(config, id) + ".counter"; }

    /** The lock file a process running principal {@code id} holds (see {@code durable.PrincipalLock}). */
    public static String lockFileName(ClusterConfig config, int id) { return prefix(config, id) + ".lock"; }

    private static String prefix(ClusterConfig config, int id) { return (config.isReplica(id) ? "replica-" : "client-") + id; }

    /** Loads {@code dir/cluster.conf}, then the key and counter files of principal {@code id}. */
    public static KeyMaterial load(Path dir, int id) throws ConfigException, CoProcessorException {
        ClusterConfig config = ClusterConfigFile.read(dir.resolve(ClusterConfigFile.FILE_NAME));
        ClusterConfig.PublicKeys pub = config.keysOf(id);
        if (pub == null) throw new ConfigException(dir.resolve(ClusterConfigFile.FILE_NAME), 0, "no principal " + id + " in the configuration");
        Path keyFile = dir.resolve(keyFileName(config, id));
        byte[][] keys = readKeyFile(keyFile, id);
        if (!Arrays.equals(Signatures.publicKeyOf(keys[0]), pub.signing()))
            throw new ConfigException(keyFile, 0, "sign key does not match principal " + id + "'s public key in cluster.conf");
        if (!Arrays.equals(ShareCipher.publicKeyOf(keys[1]), pub.keyExchange()))
            throw new ConfigException(keyFile, 0, "kex key does not match principal " + id + "'s public key in cluster.conf");
        if (keys[2] != null && pub.tls() == null)
            throw new ConfigException(keyFile, 0, "has a tls key but cluster.conf pins no TLS key for principal " + id);
        if (keys[2] != null && !TlsKeys.matches(keys[2], pub.tls()))
            throw new ConfigException(keyFile, 0, "tls key does not match principal " + id + "'s TLS public key in cluster.conf");
        FileCoProcessor cp = FileCoProcessor.open(dir.resolve(counterFileName(config, id)), keys[0]);
        return new KeyMaterial(config, id, keys[0], keys[1], keys[2], cp);
    }

    /** The same secrets under a configuration with TLS turned on or off ({@code --tls=off}). */
    public KeyMaterial withTls(boolean on) {
        return new KeyMaterial(config.withTls(on), id, signingPrivateKey, kexPrivateKey, tlsPrivateKey, coProcessor);
    }

    /** Reads {@code id = N}, {@code sign = BASE64}, {@code kex = BASE64} and optionally {@code tls = BASE64}; returns {sign, kex, tls or null}. */
    static byte[][] readKeyFile(Path file, int expectedId) throws ConfigException {
        String text;
        try {
            if (Files.size(file) > 4096) throw new ConfigException(file, 0, "key file too large");
            text = Files.readString(file, StandardCharsets.UTF_8);
        } catch (java.nio.file.NoSuchFileException e) {
            throw new ConfigException(file, 0, "key file missing");
        } catch (IOException e) {
            throw new ConfigException(file, 0, "cannot read: " + e);
        }
        Map<String, String> values = new HashMap<>();
        Map<String, Integer> lineOf = new HashMap<>();
        String[] lines = text.split("\n", -1);
        for (int i = 0; i < lines.length; i++) {
            String line = lines[i];
            int hash = line.indexOf('#');
            if (hash >= 0) line = line.substring(0, hash);
            line = line.strip();
            if (line.isEmpty()) continue;
            int eq = line.indexOf('=');
            if (eq <= 0) throw new ConfigException(file, i + 1, "expected 'name = value'");
            String name = line.substring(0, eq).strip();
            if (!name.equals("id") && !name.equals("sign") && !name.equals("kex") && !name.equals("tls"))
                throw new ConfigException(file, i + 1, "unknown key '" + name + "' (expected id, sign, kex, tls)");
            if (values.putIfAbsent(name, line.substring(eq + 1).strip()) != null)
                throw new ConfigException(file, i + 1, "duplicate key '" + name + "'");
            lineOf.put(name, i + 1);
        }
        for (String name : new String[] {"id", "sign", "kex"})
            if (!values.containsKey(name)) throw new ConfigException(file, 0, "missing '" + name + " = ...'");
        int id = ClusterConfigFile.parseInt(file, lineOf.get("id"), "id", values.get("id"));
        if (id != expectedId) throw new ConfigException(file, lineOf.get("id"), "key file is for principal " + id + ", expected " + expectedId);
        return new byte[][] {
            ClusterConfigFile.decodeKey(file, lineOf.get("sign"), "sign", values.get("sign")),
            ClusterConfigFile.decodeKey(file, lineOf.get("kex"), "kex", values.get("kex")),
            values.containsKey("tls") ? ClusterConfigFile.decodeKey(file, lineOf.get("tls"), "tls", values.get("tls")) : null};
    }

    /** Writes a new key file, owner-only from creation; fails if the file exists. */
    static void writeKeyFile(Path file, int id, byte[] signingPrivateKey, byte[] kexPrivateKey, byte[] tlsPrivateKey) throws IOException {
        Base64.Encoder b64 = Base64.getEncoder();
        String text = "# Bulwark private keys of principal " + id + ". SECRET: keep mode 600, never copy off this node.\n"
                + "id = " + id + "\n"
                + "sign = " + b64.encodeToString(signingPrivateKey) + "\n"
                + "kex = " + b64.encodeToString(kexPrivateKey) + "\n"
                + "tls = " + b64.encodeToString(tlsPrivateKey) + "\n";
        Files.createFile(file, FilePermissions.ownerOnly(file));
        Files.writeString(file, text, StandardCharsets.UTF_8);
        try (java.nio.channels.FileChannel ch = java.nio.channels.FileChannel.open(file, java.nio.file.StandardOpenOption.WRITE)) {
            ch.force(true);
        }
    }

    public byte[] signingPublicKey() { return Signatures.publicKeyOf(signingPrivateKey); }

    public byte[] kexPublicKey() { return ShareCipher.publicKeyOf(kexPrivateKey); }

    @Override public String toString() { return "KeyMaterial[id=" + id + ", counter=" + coProcessor.file() + "]"; }
}
