package io.bulwark.bft.durable;

import io.bulwark.bft.config.ClusterConfig;
import io.bulwark.bft.crypto.Digest;
import io.bulwark.bft.crypto.Digests;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HexFormat;
import java.util.zip.CRC32C;

/**
 * Whose data a data directory holds: the cluster's fingerprint (SHA-256 of f and every replica's
 * id and public keys: the group, not its addresses, which may move), f, and the replica's id.
 * Written at first start into {@value #FILE} (a small text file, atomically), checked at every
 * later start, so a replica never runs on another cluster's or another replica's log and state.
 * <pre>
 *   bulwark-data-dir 1
 *   cluster 64 hex digits
 *   f 1
 *   replica 2
 *   check crc32c of the lines above, 8 hex digits
 * </pre>
 */
public record DataDirIdentity(Digest cluster, int f, int replica) {
    public static final String FILE = "identity";
    static final String FIRST = "bulwark-data-dir 1";

    /** Replica {@code replica} of {@code config}. */
    public static DataDirIdentity of(ClusterConfig config, int replica) {
        if (!config.isReplica(replica)) throw new IllegalArgumentException("principal " + replica + " is not a replica");
        return new DataDirIdentity(fingerprint(config), config.f(), replica);
    }

    /** The cluster's fingerprint: f, n and each replica's id, signing and key-exchange public keys. */
    public static Digest fingerprint(ClusterConfig config) {
        Digests.Hasher h = Digests.hasher().put("bulwark-cluster-v1".getBytes(StandardCharsets.US_ASCII)).putInt(config.f()).putInt(config.n());
        for (ClusterConfig.Replica r : config.replicas()) h.putInt(r.id()).put(r.keys().signing()).put(r.keys().keyExchange());
        return h.done();
    }

    String encode() {
        String body = FIRST + "\ncluster " + cluster.toHex() + "\nf " + f + "\nreplica " + replica + "\n";
        return body + "check " + crcHex(body) + "\n";
    }

    private static String crcHex(String body) {
        CRC32C c = new CRC32C();
        c.update(body.getBytes(StandardCharsets.US_ASCII));
        return String.format(java.util.Locale.ROOT, "%08x", c.getValue());
    }

    /** Parses an identity file's content; a {@link DataDirException} names what is wrong. */
    static DataDirIdentity decode(Path file, String text) throws DataDirException {
        String[] lines = text.split("\n", -1);
        if (lines.length != 6 || !lines[5].isEmpty() || !lines[0].equals(FIRST) || !lines[4].startsWith("check "))
            throw new DataDirException(file + ": not a Bulwark data-dir identity file (or a garbled one)");
        String body = String.join("\n", lines[0], lines[1], lines[2], lines[3]) + "\n";
        if (!lines[4].substring(6).equals(crcHex(body))) throw new DataDirException(file + ": checksum mismatch (garbled identity file)");
        try {
            if (!lines[1].startsWith("cluster ") || !lines[2].startsWith("f ") || !lines[3].startsWith("replica "))
                throw new IllegalArgumentException("fields out of order");
            byte[] d = HexFormat.of().parseHex(lines[1].substring(8));
            if (d.length != Digest.LENGTH) throw new IllegalArgumentException("fingerprint of " + d.length + " bytes");
            return new DataDirIdentity(new Digest(d), Integer.parseInt(lines[2].substring(2)), Integer.parseInt(lines[3].substring(8)));
        } catch (IllegalArgumentException e) {
            throw new DataDirException(file + ": garbled identity file: " + e.getMessage());
        }
    }

    /**
     * Checks that {@code dir} holds this identity, writing it if the directory has none yet (its
     * first start). A directory holding another cluster's or another replica's data is refused.
     */
    public void bind(Path dir) throws IOException {
        Path file = dir.resolve(FILE);
        if (!Files.exists(file)) {
            AtomicFile.write(file, encode().getBytes(StandardCharsets.US_ASCII));
            return;
        }
        if (Files.size(file) > 4096) throw new DataDirException(file + ": " + Files.size(file) + " bytes, not a Bulwark data-dir identity file");
        DataDirIdentity found = decode(file, Files.readString(file, StandardCharsets.US_ASCII));
        if (!found.cluster.equals(cluster) || found.f != f)
            throw new DataDirException("data dir " + dir + " belongs to another cluster (fingerprint " + found.cluster
                    + "…, f=" + found.f + "; this cluster's is " + cluster + "…, f=" + f
                    + "): refusing to use it. Point --data-dir at this replica's own directory, or an empty one.");
        if (found.replica != replica)
            throw new DataDirException("data dir " + dir + " belongs to replica " + found.replica + " of this cluster, not to replica "
                    + replica + ": refusing to use it (its state and log are that replica's).");
    }
}
