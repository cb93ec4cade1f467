package io.bulwark.sample.users;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import javax.crypto.SecretKeyFactory;
import javax.crypto.spec.PBEKeySpec;

/**
 * The web tier's users: who may log in to the sample bank's REST API, with what password, and which BFT
 * client identity each one's requests travel under. One line per user:
 * <pre>
 * # comments and blank lines are ignored
 * alice = 5 : &lt;salt, base64&gt; : &lt;PBKDF2-HMAC-SHA256 of the password, base64&gt;
 * </pre>
 * The client id's keys sit beside {@code cluster.conf}; the replicas' access policy maps the same id to
 * the principal and roles they enforce. So the principal the replicas see is authenticated twice: the
 * app server checks the password, the replicas check the client's MACs. (Not in the replica host: this
 * class is the WAR's and the tools', and a replica never runs it.) Parsing fails closed, naming the line.
 */
public final class UserFile {
    public static final String FILE_NAME = "bank-users.conf";
    static final int ITERATIONS = 20_000;
    private static final int SALT_BYTES = 16, HASH_BITS = 256;

    /** One user: the BFT client id their requests use, and the salted password hash. */
    public record User(String name, int clientId, byte[] salt, byte[] hash) {
        /** Whether {@code password} is this user's (constant-time comparison). */
        public boolean checks(char[] password) { return MessageDigest.isEqual(hash, pbkdf2(password, salt)); }
    }

    private final Map<String, User> users;

    private UserFile(Map<String, User> users) { this.users = Collections.unmodifiableMap(users); }

    public Optional<User> user(String name) { return Optional.ofNullable(users.get(name)); }

    public Map<String, User> users() { return users; }

    public static UserFile read(Path file) throws IOException {
        Map<String, User> users = new LinkedHashMap<>();
        int lineNo = 0;
        for (String raw : Files.readAllLines(file, StandardCharsets.UTF_8)) {
            lineNo++;
            String line = raw.strip();
            if (line.isEmpty() || line.startsWith("#")) continue;
            try {
                int eq = line.indexOf('=');
                if (eq < 0) throw new IllegalArgumentException("expected name = client-id : salt : hash");
                String name = line.substring(0, eq).strip();
                if (!name.matches("[A-Za-z0-9._-]{1,64}")) throw new IllegalArgumentException("bad user name '" + name + "'");
                String[] parts = line.substring(eq + 1).split(":", -1);
                if (parts.length != 3) throw new IllegalArgumentException("expected client-id : salt : hash");
                int client = Integer.parseInt(parts[0].strip());
                byte[] salt = Base64.getDecoder().decode(parts[1].strip()), hash = Base64.getDecoder().decode(parts[2].strip());
                if (hash.length != HASH_BITS / 8) throw new IllegalArgumentException("hash must be " + HASH_BITS / 8 + " bytes");
                if (users.putIfAbsent(name, new User(name, client, salt, hash)) != null) throw new IllegalArgumentException("user " + name + " listed twice");
            } catch (IllegalArgumentException e) {   // NumberFormatException and bad base64 included
                throw new IllegalArgumentException(file + " line " + lineNo + ": " + e.getMessage(), e);
            }
        }
        return new UserFile(users);
    }

    /** The line for {@code name}, logging in with {@code password}, as BFT client {@code clientId}. */
    public static String line(String name, int clientId, char[] password, SecureRandom random) {
        byte[] salt = new byte[SALT_BYTES];
        random.nextBytes(salt);
        return name + " = " + clientId + " : " + Base64.getEncoder().encodeToString(salt) + " : "
                + Base64.getEncoder().encodeToString(pbkdf2(password, salt));
    }

    static byte[] pbkdf2(char[] password, byte[] salt) {
        try {
            return SecretKeyFactory.getInstance("PBKDF2WithHmacSHA256").generateSecret(new PBEKeySpec(password, salt, ITERATIONS, HASH_BITS)).getEncoded();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("PBKDF2WithHmacSHA256 is part of every JDK", e);
        }
    }
}
