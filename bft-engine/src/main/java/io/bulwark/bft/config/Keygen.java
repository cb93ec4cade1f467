package io.bulwark.bft.config;

import io.bulwark.bft.crypto.FileCoProcessor;
import io.bulwark.bft.crypto.ShareCipher;
import io.bulwark.bft.crypto.Signatures;
import io.bulwark.bft.crypto.TlsKeys;
import java.io.IOException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.List;

/**
 * Creates a cluster's key material: {@code cluster.conf} (public, every principal's TLS key pinned
 * in it), one {@code *.key} file and one {@code *.counter} file (counter 0) per replica and client. Never overwrites anything: replacing a
 * counter file would reset the co-processor counter and re-enable replays of old NEW-KEYs.
 */
public final class Keygen {
    private Keygen() {}

    /** Replica traffic's ports by default: {@value} above the client ports (replica i: base-port + 100 + i). */
    public static final int PEER_PORT_OFFSET = 100;

    /** As below, with replica traffic on ports of its own at {@code basePort + }{@value #PEER_PORT_OFFSET}. */
    public static ClusterConfig generate(Path dir, int replicas, int clients, String host, int basePort, SecureRandom rnd)
            throws IOException {
        return generate(dir, replicas, clients, host, basePort, basePort + PEER_PORT_OFFSET, rnd);
    }

    /**
     * Replica i listens for clients on {@code basePort + i} and, if {@code peerBasePort} is not 0, for
     * the other replicas on {@code peerBasePort + i} (issue 15; 0: replicas and clients share one port).
     */
    public static ClusterConfig generate(Path dir, int replicas, int clients, String host, int basePort, int peerBasePort, SecureRandom rnd)
            throws IOException {
        if (replicas < 4 || (replicas - 1) % 3 != 0)
            throw new IllegalArgumentException("--replicas must be 3f+1 for some f >= 1 (4, 7, 10, ...), was " + replicas);
        if (clients < 0) throw new IllegalArgumentException("--clients must be >= 0, was " + clients);
        if (host == null || host.isEmpty() || host.chars().anyMatch(Character::isWhitespace))
            throw new IllegalArgumentException("--host must be a non-empty host name or address");
        if (basePort < 1 || basePort > 65535 - (replicas - 1))
            throw new IllegalArgumentException("--base-port " + basePort + " leaves ports outside 1..65535 for " + replicas + " replicas");
        if (peerBasePort != 0) {
            if (peerBasePort < 1 || peerBasePort > 65535 - (replicas - 1))
                throw new IllegalArgumentException("--peer-base-port " + peerBasePort + " leaves ports outside 1..65535 for " + replicas + " replicas");
            if (peerBasePort < basePort + replicas && basePort < peerBasePort + replicas)
                throw new IllegalArgumentException("--peer-base-port " + peerBasePort + " overlaps the client ports " + basePort + ".." + (basePort + replicas - 1));
        }
        int f = (replicas - 1) / 3;
        Files.createDirectories(dir);

        // The TLS key is a key of its own: the signing key never leaves the co-processor (sections 2, 4.1).
        record Principal(int id, byte[] sign, byte[] kex, java.security.KeyPair tls) {}
        List<Principal> all = new ArrayList<>();
        List<ClusterConfig.Replica> rs = new ArrayList<>();
        List<ClusterConfig.Client> cs = new ArrayList<>();
        for (int id = 0; id < replicas + clients; id++) {
            Principal p = new Principal(id, Signatures.newPrivateKey(rnd), ShareCipher.newPrivateKey(rnd), TlsKeys.generate(rnd));
            all.add(p);
            var keys = new ClusterConfig.PublicKeys(Signatures.publicKeyOf(p.sign()), ShareCipher.publicKeyOf(p.kex()),
                    p.tls().getPublic().getEncoded());
            if (id < replicas) rs.add(new ClusterConfig.Replica(id, host, basePort + id, keys, peerBasePort == 0 ? null : host,
                    peerBasePort == 0 ? 0 : peerBasePort + id));
            else cs.add(new ClusterConfig.Client(id, keys));
        }
        ClusterConfig config = new ClusterConfig(f, rs, cs);

        Path conf = dir.resolve(ClusterConfigFile.FILE_NAME);
        List<Path> targets = new ArrayList<>(List.of(conf));
        for (Principal p : all) {
            targets.add(dir.resolve(KeyMaterial.keyFileName(config, p.id())));
            targets.add(dir.resolve(KeyMaterial.counterFileName(config, p.id())));
        }
        for (Path t : targets)
            if (Files.exists(t, java.nio.file.LinkOption.NOFOLLOW_LINKS))
                throw new FileAlreadyExistsException(t.toString(), null, "refusing to overwrite existing key material");

        for (Principal p : all) {
            KeyMaterial.writeKeyFile(dir.resolve(KeyMaterial.keyFileName(config, p.id())), p.id(), p.sign(), p.kex(), p.tls().getPrivate().getEncoded());
            FileCoProcessor.create(dir.resolve(KeyMaterial.counterFileName(config, p.id())), p.sign());
        }
        ClusterConfigFile.write(config, conf); // last: its presence means the set is complete
        return config;
    }
}
