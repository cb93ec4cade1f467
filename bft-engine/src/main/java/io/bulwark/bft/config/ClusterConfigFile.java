package io.bulwark.bft.config;

import io.bulwark.bft.crypto.FilePermissions;
import io.bulwark.bft.crypto.ShareCipher;
import io.bulwark.bft.crypto.Signatures;
import io.bulwark.bft.crypto.TlsKeys;
import java.io.IOException;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Reads and writes {@code cluster.conf}:
 * <pre>
 * # comment
 * f = 1
 * tls = on
 * replica 0 127.0.0.1:7400 peer=127.0.0.1:7500 sign=BASE64 kex=BASE64 tls=BASE64
 * client 4 sign=BASE64 kex=BASE64 tls=BASE64
 * </pre>
 * {@code peer=<host>:<port>} (optional, issue 15) is the replica's listener for replica-to-replica
 * traffic: it accepts only the configured replicas, and the first address only clients. Every
 * replica has one or none; none means replicas and clients share one port (files from before).
 * No address (client or peer) may be used twice.
 * {@code tls = on|off} (default on) says whether connections run TLS 1.3; each principal's
 * {@code tls=} key (ECDSA P-256, X.509 encoding) is pinned: a TLS peer is accepted only if it
 * proves it holds one of these keys. Files from before TLS have no {@code tls=} keys.
 * Hosts may be names, IPv4, or IPv6 in brackets ({@code [::1]:7400}). Anything else is an error
 * naming the file and line; nothing is guessed.
 */
public final class ClusterConfigFile {
    public static final String FILE_NAME = "cluster.conf";
    private static final int MAX_BYTES = 16 << 20;

    private ClusterConfigFile() {}

    public static ClusterConfig read(Path file) throws ConfigException {
        String text;
        try {
            if (Files.size(file) > MAX_BYTES) throw new ConfigException(file, 0, "file larger than " + MAX_BYTES + " bytes");
            text = StandardCharsets.UTF_8.newDecoder().decode(java.nio.ByteBuffer.wrap(Files.readAllBytes(file))).toString();
        } catch (CharacterCodingException e) {
            throw new ConfigException(file, 0, "not valid UTF-8");
        } catch (IOException e) {
            throw new ConfigException(file, 0, "cannot read: " + e);
        }
        return parse(file, text);
    }

    /** Parses {@code text}; {@code file} is only used in error messages. */
    public static ClusterConfig parse(Path file, String text) throws ConfigException {
        Integer f = null;
        int fLine = 0;
        Boolean tls = null;
        List<ClusterConfig.Replica> replicas = new ArrayList<>();
        List<ClusterConfig.Client> clients = new ArrayList<>();
        Map<Integer, Integer> idLines = new HashMap<>();
        Map<String, Integer> addressLines = new HashMap<>();
        Map<Integer, Integer> replicaLines = new HashMap<>();
        int peerLine = 0, plainLine = 0;   // the first replica line with a peer address, and without one
        String[] lines = text.split("\n", -1);
        for (int i = 0; i < lines.length; i++) {
            int lineNo = i + 1;
            String line = lines[i];
            int hash = line.indexOf('#');
            if (hash >= 0) line = line.substring(0, hash);
            line = line.strip();
            if (line.isEmpty()) continue;
            String[] tok = line.split("\\s+");
            switch (tok[0]) {
                case "f" -> {
                    if (f != null) throw new ConfigException(file, lineNo, "duplicate 'f' (first set on line " + fLine + ")");
                    String value = line.substring(1).strip();
                    if (!value.startsWith("=")) throw new ConfigException(file, lineNo, "expected 'f = <number>'");
                    f = parseInt(file, lineNo, "f", value.substring(1).strip());
                    if (f < 1) throw new ConfigException(file, lineNo, "f must be at least 1, was " + f);
                    if (f > ProtocolConfig.MAX_F) throw new ConfigException(file, lineNo, "f = " + f + " exceeds the maximum of " + ProtocolConfig.MAX_F + " (n <= 64)");
                    fLine = lineNo;
                }
                case "tls" -> {
                    if (tls != null) throw new ConfigException(file, lineNo, "duplicate 'tls'");
                    String value = line.substring(3).strip();
                    if (!value.startsWith("=")) throw new ConfigException(file, lineNo, "expected 'tls = on' or 'tls = off'");
                    value = value.substring(1).strip();
                    if (!value.equals("on") && !value.equals("off"))
                        throw new ConfigException(file, lineNo, "bad tls '" + value + "': expected on or off");
                    tls = value.equals("on");
                }
                case "replica" -> {
                    if (tok.length < 3) throw new ConfigException(file, lineNo, "expected 'replica <id> <host>:<port> [peer=<host>:<port>] sign=<base64> kex=<base64>'");
                    int id = parseId(file, lineNo, tok[1], idLines);
                    Address client = parseAddress(file, lineNo, tok[2], "");
                    claim(file, lineNo, client, tok[2], addressLines);
                    // peer=<host>:<port>: the replica's listener for replica traffic (issue 15), anywhere among the keys
                    Address peer = null;
                    List<String> rest = new ArrayList<>();
                    for (int t = 3; t < tok.length; t++) {
                        if (!tok[t].startsWith("peer=")) {
                            rest.add(tok[t]);
                            continue;
                        }
                        if (peer != null) throw new ConfigException(file, lineNo, "duplicate key 'peer'");
                        String value = tok[t].substring("peer=".length());
                        peer = parseAddress(file, lineNo, value, "peer ");
                        claim(file, lineNo, peer, value, addressLines);
                    }
                    if (peer != null && peerLine == 0) peerLine = lineNo;
                    if (peer == null && plainLine == 0) plainLine = lineNo;
                    if (peerLine != 0 && plainLine != 0)
                        throw new ConfigException(file, lineNo, "replica " + id + (peer == null ? " has no peer=<host>:<port>, but line " + peerLine + " gives one"
                                : " has a peer=<host>:<port>, but line " + plainLine + " gives none") + ": give every replica one (replica traffic on "
                                + "its own port) or none (replicas and clients share one port)");
                    rest.add(0, tok[0]);
                    rest.add(1, tok[1]);
                    ClusterConfig.PublicKeys keys = parseKeys(file, lineNo, rest.toArray(new String[0]), 2);
                    replicas.add(new ClusterConfig.Replica(id, client.host(), client.port(), keys,
                            peer == null ? null : peer.host(), peer == null ? 0 : peer.port()));
                    replicaLines.put(id, lineNo);
                }
                case "client" -> {
                    if (tok.length < 2) throw new ConfigException(file, lineNo, "expected 'client <id> sign=<base64> kex=<base64>'");
                    int id = parseId(file, lineNo, tok[1], idLines);
                    clients.add(new ClusterConfig.Client(id, parseKeys(file, lineNo, tok, 2)));
                }
                default -> throw new ConfigException(file, lineNo,
                        "unknown directive '" + tok[0] + "' (expected 'f = N', 'tls = on|off', 'replica ...' or 'client ...')");
            }
        }
        if (f == null) throw new ConfigException(file, 0, "missing 'f = <number>'");
        int n = 3 * f + 1;
        for (ClusterConfig.Replica r : replicas)
            if (r.id() >= n) throw new ConfigException(file, replicaLines.get(r.id()),
                    "replica id " + r.id() + " out of range: f = " + f + " (line " + fLine + ") means replicas 0.." + (n - 1));
        for (int id = 0; id < n; id++)
            if (!replicaLines.containsKey(id)) throw new ConfigException(file, fLine,
                    "replica " + id + " missing: f = " + f + " needs n = 3f+1 = " + n + " replicas (0.." + (n - 1) + "), found " + replicas.size());
        for (ClusterConfig.Client c : clients)
            if (c.id() < n) throw new ConfigException(file, idLines.get(c.id()),
                    "client id " + c.id() + " is in the replica range 0.." + (n - 1) + " (f = " + f + ")");
        try {
            return new ClusterConfig(f, replicas, clients, tls == null || tls);
        } catch (IllegalArgumentException e) { // all cases are checked above; keep the contract anyway
            throw new ConfigException(file, 0, e.getMessage());
        }
    }

    /** The canonical text of {@code config}; {@link #parse} of it gives an equal config. */
    public static String format(ClusterConfig config) {
        Base64.Encoder b64 = Base64.getEncoder();
        StringBuilder sb = new StringBuilder();
        sb.append("# Bulwark cluster configuration: public facts only (private keys are in the *.key files).\n");
        sb.append("# n = 3f+1 replicas are ids 0..n-1; clients are ids n and above.\n");
        sb.append("f = ").append(config.f()).append("\n");
        sb.append("# TLS 1.3 on every connection, each principal's tls= key pinned; 'tls = off' turns it off (every process must agree).\n");
        sb.append("tls = ").append(config.tls() ? "on" : "off").append("\n\n");
        if (config.separatePeerTraffic())
            sb.append("# replica <id> <client address> peer=<address for replica traffic, firewall it to the replicas' hosts> keys...\n");
        for (ClusterConfig.Replica r : config.replicas()) {
            sb.append("replica ").append(r.id()).append(' ').append(formatHost(r.host())).append(':').append(r.port());
            if (r.hasPeerAddress()) sb.append(" peer=").append(formatHost(r.peerHost())).append(':').append(r.peerPort());
            sb
                    .append(" sign=").append(b64.encodeToString(r.keys().signing()))
                    .append(" kex=").append(b64.encodeToString(r.keys().keyExchange()));
            appendTls(sb, r.keys());
            sb.append('\n');
        }
        if (!config.clients().isEmpty()) sb.append('\n');
        for (ClusterConfig.Client c : config.clients()) {
            sb.append("client ").append(c.id())
                    .append(" sign=").append(b64.encodeToString(c.keys().signing()))
                    .append(" kex=").append(b64.encodeToString(c.keys().keyExchange()));
            appendTls(sb, c.keys());
            sb.append('\n');
        }
        return sb.toString();
    }

    private static void appendTls(StringBuilder sb, ClusterConfig.PublicKeys keys) {
        byte[] tls = keys.tls();
        if (tls != null) sb.append(" tls=").append(Base64.getEncoder().encodeToString(tls));
    }

    /** Writes atomically (temp file + rename); the file is public, so default permissions. */
    public static void write(ClusterConfig config, Path file) throws IOException {
        Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
        Files.writeString(tmp, format(config), StandardCharsets.UTF_8);
        Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        FilePermissions.fsyncDirectory(file.toAbsolutePath().getParent());
    }

    private record Address(String host, int port) {}

    /** {@code host:port}, the host a name, IPv4, or IPv6 in brackets; {@code what} prefixes errors ("peer "). */
    private static Address parseAddress(Path file, int lineNo, String address, String what) throws ConfigException {
        int colon = address.lastIndexOf(':');
        if (colon <= 0 || colon == address.length() - 1)
            throw new ConfigException(file, lineNo, "bad " + what + "address '" + address + "', expected <host>:<port>");
        String host = address.substring(0, colon);
        if (host.startsWith("[") != host.endsWith("]") || (host.indexOf(':') >= 0 && !host.startsWith("[")))
            throw new ConfigException(file, lineNo, "bad " + what + "host '" + host + "' (write IPv6 addresses as [addr]:port)");
        if (host.startsWith("[")) host = host.substring(1, host.length() - 1);
        if (host.isEmpty()) throw new ConfigException(file, lineNo, "empty " + what + "host in '" + address + "'");
        int port = parseInt(file, lineNo, what + "port", address.substring(colon + 1));
        if (port < 1 || port > 65535) throw new ConfigException(file, lineNo, what + "port " + port + " out of range 1..65535");
        return new Address(host, port);
    }

    /** Every address (client or peer, any replica) is used once. */
    private static void claim(Path file, int lineNo, Address a, String written, Map<String, Integer> addressLines) throws ConfigException {
        String key = a.host().toLowerCase(java.util.Locale.ROOT) + ":" + a.port();
        Integer other = addressLines.putIfAbsent(key, lineNo);
        if (other != null) throw new ConfigException(file, lineNo, "address " + written + (other == lineNo ? " used twice on this line" : " already used on line " + other));
    }

    private static String formatHost(String host) { return host.indexOf(':') >= 0 ? "[" + host + "]" : host; }

    private static int parseId(Path file, int lineNo, String s, Map<Integer, Integer> idLines) throws ConfigException {
        int id = parseInt(file, lineNo, "id", s);
        if (id < 0) throw new ConfigException(file, lineNo, "id must be >= 0, was " + id);
        Integer other = idLines.putIfAbsent(id, lineNo);
        if (other != null) throw new ConfigException(file, lineNo, "duplicate id " + id + " (already defined on line " + other + ")");
        return id;
    }

    static int parseInt(Path file, int lineNo, String what, String s) throws ConfigException {
        if (!s.matches("-?[0-9]{1,10}")) throw new ConfigException(file, lineNo, "bad " + what + " '" + s + "': not a number");
        long v = Long.parseLong(s);
        if (v != (int) v) throw new ConfigException(file, lineNo, "bad " + what + " '" + s + "': too large");
        return (int) v;
    }

    private static ClusterConfig.PublicKeys parseKeys(Path file, int lineNo, String[] tok, int from) throws ConfigException {
        Map<String, byte[]> attrs = new LinkedHashMap<>();
        for (int i = from; i < tok.length; i++) {
            int eq = tok[i].indexOf('=');
            if (eq <= 0) throw new ConfigException(file, lineNo, "expected key=value, found '" + tok[i] + "'");
            String name = tok[i].substring(0, eq);
            if (name.equals("peer")) throw new ConfigException(file, lineNo, "peer=<host>:<port> is a replica's (the address of its listener for replica traffic)");
            if (!name.equals("sign") && !name.equals("kex") && !name.equals("tls"))
                throw new ConfigException(file, lineNo, "unknown key '" + name + "' (expected sign, kex, tls)");
            if (attrs.containsKey(name)) throw new ConfigException(file, lineNo, "duplicate key '" + name + "'");
            attrs.put(name, decodeKey(file, lineNo, name, tok[i].substring(eq + 1)));
        }
        for (String name : List.of("sign", "kex"))
            if (!attrs.containsKey(name)) throw new ConfigException(file, lineNo, "missing " + name + "=<base64>");
        if (!Signatures.isValidPublicKey(attrs.get("sign")))
            throw new ConfigException(file, lineNo, "sign= is not a valid Ed25519 public key");
        if (attrs.containsKey("tls") && !TlsKeys.isValidPublicKey(attrs.get("tls")))
            throw new ConfigException(file, lineNo, "tls= is not a valid P-256 public key");
        return new ClusterConfig.PublicKeys(attrs.get("sign"), attrs.get("kex"), attrs.get("tls"));
    }

    static byte[] decodeKey(Path file, int lineNo, String name, String b64) throws ConfigException {
        byte[] key;
        try {
            key = Base64.getDecoder().decode(b64);
        } catch (IllegalArgumentException e) {
            throw new ConfigException(file, lineNo, name + "= is not valid base64: " + e.getMessage());
        }
        if (name.equals("tls")) return key;   // a TLS key's encoding is checked whole (PKCS#8 or X.509)
        int expected = name.equals("kex") ? ShareCipher.KEY_LENGTH : Signatures.KEY_LENGTH;
        if (key.length != expected)
            throw new ConfigException(file, lineNo, name + "= must decode to " + expected + " bytes, got " + key.length);
        return key;
    }
}
