package io.bulwark.bft.config;

import io.bulwark.bft.crypto.ShareCipher;
import io.bulwark.bft.crypto.Signatures;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.Comparator;
import java.util.List;

/**
 * The cluster's public facts: f, the n = 3f+1 replicas (id, address, public keys) and the known
 * clients (id, public keys). Replicas are 0..n-1 and clients n and above (one id space). Parsed
 * from and written to {@code cluster.conf} by {@link ClusterConfigFile}; private keys live in
 * separate per-principal files ({@link KeyMaterial}).
 */
public record ClusterConfig(int f, List<Replica> replicas, List<Client> clients) {

    /** A principal's public keys: Ed25519 for co-processor signatures, X25519 for NEW-KEY shares. */
    public record PublicKeys(byte[] signing, byte[] keyExchange) {
        public PublicKeys {
            if (!Signatures.isValidPublicKey(signing)) throw new IllegalArgumentException("invalid Ed25519 public key");
            if (keyExchange == null || keyExchange.length != ShareCipher.KEY_LENGTH)
                throw new IllegalArgumentException("X25519 public key must be " + ShareCipher.KEY_LENGTH + " bytes");
            signing = signing.clone();
            keyExchange = keyExchange.clone();
        }

        @Override public byte[] signing() { return signing.clone(); }
        @Override public byte[] keyExchange() { return keyExchange.clone(); }

        @Override public boolean equals(Object o) {
            return o instanceof PublicKeys p && Arrays.equals(signing, p.signing) && Arrays.equals(keyExchange, p.keyExchange);
        }

        @Override public int hashCode() { return 31 * Arrays.hashCode(signing) + Arrays.hashCode(keyExchange); }

        @Override public String toString() {
            return "sign=" + Base64.getEncoder().encodeToString(signing).substring(0, 8) + "...";
        }
    }

    public record Replica(int id, String host, int port, PublicKeys keys) {
        public Replica {
            if (id < 0) throw new IllegalArgumentException("replica id must be >= 0");
            if (host == null || host.isEmpty() || host.chars().anyMatch(Character::isWhitespace))
                throw new IllegalArgumentException("replica " + id + ": bad host '" + host + "'");
            if (port < 1 || port > 65535) throw new IllegalArgumentException("replica " + id + ": port " + port + " out of range 1..65535");
            java.util.Objects.requireNonNull(keys);
        }
    }

    public record Client(int id, PublicKeys keys) {
        public Client { java.util.Objects.requireNonNull(keys); }
    }

    public ClusterConfig {
        if (f < 1) throw new IllegalArgumentException("f must be >= 1, was " + f);
        int n = 3 * f + 1;
        List<Replica> rs = new ArrayList<>(replicas);
        rs.sort(Comparator.comparingInt(Replica::id));
        if (rs.size() != n) throw new IllegalArgumentException("f = " + f + " needs n = 3f+1 = " + n + " replicas, found " + rs.size());
        for (int i = 0; i < n; i++)
            if (rs.get(i).id() != i) throw new IllegalArgumentException("replica ids must be 0.." + (n - 1) + "; replica " + i + " missing");
        List<Client> cs = new ArrayList<>(clients);
        cs.sort(Comparator.comparingInt(Client::id));
        for (int i = 0; i < cs.size(); i++) {
            if (cs.get(i).id() < n) throw new IllegalArgumentException("client ids must be >= n = " + n + ", found " + cs.get(i).id());
            if (i > 0 && cs.get(i).id() == cs.get(i - 1).id()) throw new IllegalArgumentException("duplicate client " + cs.get(i).id());
        }
        replicas = List.copyOf(rs);
        clients = List.copyOf(cs);
    }

    /** n = 3f + 1. */
    public int n() { return 3 * f + 1; }

    public boolean isReplica(int id) { return id >= 0 && id < n(); }

    public boolean isClient(int id) { return client(id) != null; }

    public boolean contains(int id) { return isReplica(id) || isClient(id); }

    /** The replica with this id; IllegalArgumentException if there is none. */
    public Replica replica(int id) {
        if (!isReplica(id)) throw new IllegalArgumentException("no replica " + id);
        return replicas.get(id);
    }

    /** The client with this id, or null. */
    public Client client(int id) {
        int lo = 0, hi = clients.size() - 1;
        while (lo <= hi) {
            int mid = (lo + hi) >>> 1;
            int c = clients.get(mid).id();
            if (c == id) return clients.get(mid);
            if (c < id) lo = mid + 1; else hi = mid - 1;
        }
        return null;
    }

    /** The public keys of any principal, or null for an unknown id. */
    public PublicKeys keysOf(int id) {
        if (isReplica(id)) return replicas.get(id).keys();
        Client c = client(id);
        return c == null ? null : c.keys();
    }

    /** Every principal id: replicas then clients, ascending. */
    public int principalCount() { return replicas.size() + clients.size(); }
}
