package io.bulwark.bft.config;

import io.bulwark.bft.crypto.ShareCipher;
import io.bulwark.bft.crypto.Signatures;
import io.bulwark.bft.crypto.TlsKeys;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.Comparator;
import java.util.List;

/**
 * The cluster's public facts: f, the n = 3f+1 replicas (id, address, public keys) and the known
 * clients (id, public keys). Replicas are 0..n-1 and clients n and above (one id space). Parsed
 * from and written to {@code cluster.conf} by {@link ClusterConfigFile}; private keys live in
 * separate per-principal files ({@link KeyMaterial}). {@code tls}: whether connections run TLS 1.3
 * with every principal's TLS key pinned (issue 20); every process of a group must agree.
 */
public record ClusterConfig(int f, List<Replica> replicas, List<Client> clients, boolean tls) {

    /**
     * A principal's public keys: Ed25519 for co-processor signatures, X25519 for NEW-KEY shares,
     * and its TLS key (ECDSA P-256, X.509 encoding; null in a configuration made before TLS).
     */
    public record PublicKeys(byte[] signing, byte[] keyExchange, byte[] tls) {
        public PublicKeys {
            if (!Signatures.isValidPublicKey(signing)) throw new IllegalArgumentException("invalid Ed25519 public key");
            if (keyExchange == null || keyExchange.length != ShareCipher.KEY_LENGTH)
                throw new IllegalArgumentException("X25519 public key must be " + ShareCipher.KEY_LENGTH + " bytes");
            if (tls != null && !TlsKeys.isValidPublicKey(tls)) throw new IllegalArgumentException("invalid TLS (P-256) public key");
            signing = signing.clone();
            keyExchange = keyExchange.clone();
            tls = tls == null ? null : tls.clone();
        }

        /** Keys without a TLS key (a configuration from before TLS, or tests that never open a socket). */
        public PublicKeys(byte[] signing, byte[] keyExchange) { this(signing, keyExchange, null); }

        @Override public byte[] signing() { return signing.clone(); }
        @Override public byte[] keyExchange() { return keyExchange.clone(); }
        /** The TLS public key, or null. */
        @Override public byte[] tls() { return tls == null ? null : tls.clone(); }

        @Override public boolean equals(Object o) {
            return o instanceof PublicKeys p && Arrays.equals(signing, p.signing) && Arrays.equals(keyExchange, p.keyExchange)
                    && Arrays.equals(tls, p.tls);
        }

        @Override public int hashCode() { return 31 * (31 * Arrays.hashCode(signing) + Arrays.hashCode(keyExchange)) + Arrays.hashCode(tls); }

        @Override public String toString() {
            return "sign=" + Base64.getEncoder().encodeToString(signing).substring(0, 8) + "...";
        }
    }

    /**
     * A replica: its id, the address clients reach it on ({@code host:port}), its keys, and
     * optionally the address of its own listener for replica-to-replica traffic ({@code peerHost:peerPort};
     * null and 0 when the file names none: then replicas and clients share {@code host:port}, as before
     * issue 15). The peer listener accepts only the configured replicas, so a flood of the client
     * port never reaches the connections agreement runs on (Aardvark separates the two likewise).
     */
    public record Replica(int id, String host, int port, PublicKeys keys, String peerHost, int peerPort) {
        public Replica {
            if (id < 0) throw new IllegalArgumentException("replica id must be >= 0");
            if (host == null || host.isEmpty() || host.chars().anyMatch(Character::isWhitespace))
                throw new IllegalArgumentException("replica " + id + ": bad host '" + host + "'");
            if (port < 1 || port > 65535) throw new IllegalArgumentException("replica " + id + ": port " + port + " out of range 1..65535");
            java.util.Objects.requireNonNull(keys);
            if (peerHost == null) {
                if (peerPort != 0) throw new IllegalArgumentException("replica " + id + ": a peer port without a peer host");
            } else {
                if (peerHost.isEmpty() || peerHost.chars().anyMatch(Character::isWhitespace))
                    throw new IllegalArgumentException("replica " + id + ": bad peer host '" + peerHost + "'");
                if (peerPort < 1 || peerPort > 65535)
                    throw new IllegalArgumentException("replica " + id + ": peer port " + peerPort + " out of range 1..65535");
                if (peerPort == port && peerHost.equalsIgnoreCase(host))
                    throw new IllegalArgumentException("replica " + id + ": the peer address is the client address " + host + ":" + port);
            }
        }

        /** A replica without a peer address: replicas and clients share {@code host:port}. */
        public Replica(int id, String host, int port, PublicKeys keys) { this(id, host, port, keys, null, 0); }

        /** True if replica traffic has a listener of its own ({@code peer=} in cluster.conf). */
        public boolean hasPeerAddress() { return peerHost != null; }

        /** Where other replicas reach this one: the peer address if there is one, else the shared client address. */
        public String replicaHost() { return peerHost != null ? peerHost : host; }

        /** The port other replicas reach this one on (see {@link #replicaHost}). */
        public int replicaPort() { return peerHost != null ? peerPort : port; }

        /** The same replica with a peer address ({@code null, 0}: none). */
        public Replica withPeerAddress(String peerHost, int peerPort) { return new Replica(id, host, port, keys, peerHost, peerPort); }
    }

    public record Client(int id, PublicKeys keys) {
        public Client { java.util.Objects.requireNonNull(keys); }
    }

    /** A configuration with TLS on (the default; {@code tls = off} in cluster.conf turns it off). */
    public ClusterConfig(int f, List<Replica> replicas, List<Client> clients) { this(f, replicas, clients, true); }

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
        // Every replica has a peer address or none does: a replica refuses replicas on its client port only
        // when they know its peer port, so a mix would leave some replica unable to reach another.
        for (Replica r : rs)
            if (r.hasPeerAddress() != rs.get(0).hasPeerAddress())
                throw new IllegalArgumentException("replica " + r.id() + (r.hasPeerAddress() ? " has" : " has no")
                        + " peer address but replica 0" + (rs.get(0).hasPeerAddress() ? " has one" : " has none") + ": give every replica one, or none");
        java.util.Map<String, Integer> used = new java.util.HashMap<>();
        for (Replica r : rs) {
            for (String a : r.hasPeerAddress() ? List.of(address(r.host(), r.port()), address(r.peerHost(), r.peerPort())) : List.of(address(r.host(), r.port()))) {
                Integer other = used.putIfAbsent(a, r.id());
                if (other != null && other != r.id()) throw new IllegalArgumentException("replicas " + other + " and " + r.id() + " both use " + a);
            }
        }
        replicas = List.copyOf(rs);
        clients = List.copyOf(cs);
    }

    private static String address(String host, int port) { return host.toLowerCase(java.util.Locale.ROOT) + ":" + port; }

    /**
     * True if replica-to-replica traffic runs on listeners of its own (every replica has a peer
     * address): a replica then accepts only replicas on its peer port and only clients on its
     * client port. False for a file without peer addresses: one shared port, as before.
     */
    public boolean separatePeerTraffic() { return replicas.get(0).hasPeerAddress(); }

    /** The same configuration with TLS turned on or off (e.g. {@code --tls=off}). */
    public ClusterConfig withTls(boolean on) { return new ClusterConfig(f, replicas, clients, on); }

    /** True if every principal has a TLS key pinned (false for a configuration made before TLS). */
    public boolean hasTlsKeys() {
        for (Replica r : replicas) if (r.keys().tls == null) return false;
        for (Client c : clients) if (c.keys().tls == null) return false;
        return true;
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
