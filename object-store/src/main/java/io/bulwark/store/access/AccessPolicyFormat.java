package io.bulwark.store.access;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * The text form of an {@link AccessPolicy}, one fact per line:
 * <pre>
 * # comments and blank lines are ignored
 * bulwark.access-policy = 1
 * client.4 = alice : teller, auditor
 * client.5 = bob
 * </pre>
 * The first non-comment line must name the format version. {@code client.<id> = <principal>} maps
 * an engine client id to a principal, optionally followed by {@code :} and a comma-separated role
 * list. Parsing fails closed: an unknown key, a repeated client, a malformed name or number, a
 * missing version, or an over-long line or file is an {@link IllegalArgumentException} naming the
 * line; nothing is guessed. (Not {@link java.util.Properties}: it silently keeps the last of
 * repeated keys and accepts escapes and continuation lines, which is how two replicas come to read
 * one file differently.)
 */
public final class AccessPolicyFormat {
    public static final String VERSION_KEY = "bulwark.access-policy";
    public static final int VERSION = 1;
    /** Largest policy file. */
    public static final int MAX_BYTES = 1 << 20;
    public static final int MAX_LINE_CHARS = 4096;
    private static final String CLIENT_PREFIX = "client.";

    private AccessPolicyFormat() {}

    static SortedMap<Integer, AccessPolicy.Grant> parse(String text) {
        if (text.length() > MAX_BYTES) throw new IllegalArgumentException("access policy longer than " + MAX_BYTES + " characters");
        SortedMap<Integer, AccessPolicy.Grant> grants = new TreeMap<>();
        boolean versioned = false;
        String[] lines = text.split("\r?\n", -1);
        for (int i = 0; i < lines.length; i++) {
            int lineNo = i + 1;
            String line = lines[i].strip();
            if (line.isEmpty() || line.startsWith("#")) continue;
            try {
                if (line.length() > MAX_LINE_CHARS) throw new IllegalArgumentException("line longer than " + MAX_LINE_CHARS + " characters");
                int eq = line.indexOf('=');
                if (eq < 0) throw new IllegalArgumentException("expected key = value");
                String key = line.substring(0, eq).strip();
                String value = line.substring(eq + 1).strip();
                if (!versioned) {
                    if (!key.equals(VERSION_KEY)) throw new IllegalArgumentException("the first entry must be " + VERSION_KEY + " = " + VERSION);
                    if (!value.equals(Integer.toString(VERSION))) throw new IllegalArgumentException("unsupported format version '" + value + "' (expected " + VERSION + ")");
                    versioned = true;
                    continue;
                }
                if (!key.startsWith(CLIENT_PREFIX)) throw new IllegalArgumentException("unknown key '" + key + "' (expected client.<id>)");
                int client = clientId(key.substring(CLIENT_PREFIX.length()));
                if (grants.containsKey(client)) throw new IllegalArgumentException("client " + client + " listed twice");
                if (grants.size() >= AccessPolicy.MAX_CLIENTS) throw new IllegalArgumentException("more than " + AccessPolicy.MAX_CLIENTS + " clients");
                grants.put(client, grant(value));
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("access policy line " + lineNo + ": " + e.getMessage(), e);
            }
        }
        if (!versioned) throw new IllegalArgumentException("access policy: missing " + VERSION_KEY + " = " + VERSION);
        return grants;
    }

    private static int clientId(String s) {
        if (s.isEmpty() || s.length() > 10 || !s.chars().allMatch(c -> c >= '0' && c <= '9') || (s.length() > 1 && s.charAt(0) == '0'))
            throw new IllegalArgumentException("client id '" + s + "' must be a decimal number without leading zeros");
        long v = Long.parseLong(s);
        if (v > Integer.MAX_VALUE) throw new IllegalArgumentException("client id " + s + " too large");
        return (int) v;
    }

    private static AccessPolicy.Grant grant(String value) {
        int colon = value.indexOf(':');
        String principal = (colon < 0 ? value : value.substring(0, colon)).strip();
        TreeSet<String> roles = new TreeSet<>();
        if (colon >= 0) {
            String list = value.substring(colon + 1).strip();
            if (list.isEmpty()) throw new IllegalArgumentException("':' must be followed by at least one role");
            for (String r : list.split(",", -1)) {
                String role = r.strip();
                AccessPolicy.checkName("role", role);
                if (!roles.add(role)) throw new IllegalArgumentException("role " + role + " given twice");
            }
        }
        return new AccessPolicy.Grant(principal, roles);
    }

    /** The canonical text: version line, then clients by id, each with its roles sorted. */
    static String format(SortedMap<Integer, AccessPolicy.Grant> grants) {
        StringBuilder b = new StringBuilder(VERSION_KEY).append(" = ").append(VERSION).append('\n');
        grants.forEach((id, g) -> {
            b.append(CLIENT_PREFIX).append(id).append(" = ").append(g.principal());
            if (!g.roles().isEmpty()) b.append(" : ").append(String.join(", ", g.roles()));
            b.append('\n');
        });
        return b.toString();
    }

    /** Reads a policy file: at most {@link #MAX_BYTES}, strictly valid UTF-8. */
    static String read(Path file) throws IOException {
        byte[] bytes;
        try (InputStream in = Files.newInputStream(file)) {
            bytes = in.readNBytes(MAX_BYTES + 1);
        }
        if (bytes.length > MAX_BYTES) throw new IllegalArgumentException("access policy " + file + " is larger than " + MAX_BYTES + " bytes");
        try {
            return StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(bytes)).toString();
        } catch (CharacterCodingException e) {
            throw new IllegalArgumentException("access policy " + file + " is not valid UTF-8", e);
        }
    }
}
