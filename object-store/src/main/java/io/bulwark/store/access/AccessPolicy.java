package io.bulwark.store.access;

import io.bulwark.store.AccessDeniedException;
import io.bulwark.store.Caller;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Collections;
import java.util.HexFormat;
import java.util.Set;
import java.util.SortedMap;
import java.util.SortedSet;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Pattern;

/**
 * The replicated access configuration: which principal and roles each authenticated engine client
 * stands for. The replicas map the client id the engine authenticated a request with (its MACs) to a
 * {@link Caller}; nothing the client writes into the request can change who it is. A client the
 * policy does not list is the {@link #ANONYMOUS} principal with no roles, so it can reach only
 * {@link PermitAll} operations.
 * <p>
 * Every replica must run with the same policy; its {@link #digest()} (SHA-256 of the
 * {@link #canonicalForm()}) is what they compare. Immutable.
 */
public final class AccessPolicy {
    /** The principal of a client the policy does not list; reserved, so no listed client can be it. */
    public static final String ANONYMOUS = "anonymous";
    /** Most clients one policy lists (bounds parsing and the canonical form). */
    public static final int MAX_CLIENTS = 65_536;
    /** Most roles one client holds. */
    public static final int MAX_ROLES = 64;
    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._@+-]{0,63}");

    /** What one client stands for: its principal and roles (sorted). */
    public record Grant(String principal, SortedSet<String> roles) {
        public Grant {
            checkName("principal", principal);
            if (ANONYMOUS.equals(principal)) throw new IllegalArgumentException("principal '" + ANONYMOUS + "' is reserved for unlisted clients");
            if (roles.size() > MAX_ROLES) throw new IllegalArgumentException("more than " + MAX_ROLES + " roles for principal " + principal);
            for (String r : roles) checkName("role", r);
            roles = Collections.unmodifiableSortedSet(new TreeSet<>(roles));
        }
    }

    private final SortedMap<Integer, Grant> grants;
    private final String canonical;
    private final byte[] digest;

    private AccessPolicy(SortedMap<Integer, Grant> grants) {
        this.grants = Collections.unmodifiableSortedMap(new TreeMap<>(grants));
        this.canonical = AccessPolicyFormat.format(this.grants);
        this.digest = sha256(canonical);
    }

    public static Builder builder() { return new Builder(); }

    /** Parses the text format of {@link AccessPolicyFormat}; IllegalArgumentException naming the line on any error. */
    public static AccessPolicy parse(String text) { return new AccessPolicy(AccessPolicyFormat.parse(text)); }

    /** Reads and parses a policy file (at most {@link AccessPolicyFormat#MAX_BYTES}, strict UTF-8). */
    public static AccessPolicy load(Path file) throws IOException { return parse(AccessPolicyFormat.read(file)); }

    /** The caller the replicas see for a request the engine authenticated as {@code clientId}. */
    public Caller callerFor(int clientId) {
        Grant g = grants.get(clientId);
        return g == null ? new Caller(clientId, ANONYMOUS, Set.of()) : new Caller(clientId, g.principal(), g.roles());
    }

    /** Throws {@link AccessDeniedException} unless {@code caller} may invoke {@code operation}. */
    public static void authorize(Caller caller, String operation, Access required) {
        if (!required.allows(caller.roles()))
            throw new AccessDeniedException("principal " + caller.principal() + " (client " + caller.clientId() + ") may not invoke "
                    + operation + ": it requires " + required);
    }

    public SortedMap<Integer, Grant> grants() { return grants; }

    /** The policy as text in a canonical form (clients by id, roles sorted): equal policies, equal text. */
    public String canonicalForm() { return canonical; }

    /** SHA-256 of {@link #canonicalForm()}: what replicas compare to agree on the policy. */
    public byte[] digest() { return digest.clone(); }

    public String digestHex() { return HexFormat.of().formatHex(digest); }

    @Override public boolean equals(Object o) { return o instanceof AccessPolicy p && p.canonical.equals(canonical); }

    @Override public int hashCode() { return canonical.hashCode(); }

    @Override public String toString() { return "AccessPolicy[" + grants.size() + " clients, sha256 " + digestHex() + "]"; }

    static void checkName(String what, String name) {
        if (name == null || !NAME.matcher(name).matches())
            throw new IllegalArgumentException(what + " " + (name == null ? "null" : "'" + name + "'")
                    + " must be 1-64 characters of letters, digits and . _ @ + - (starting with a letter or digit)");
    }

    private static byte[] sha256(String s) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(s.getBytes(StandardCharsets.UTF_8));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is required of every Java platform", e);
        }
    }

    /** Builds a policy in code. */
    public static final class Builder {
        private final SortedMap<Integer, Grant> grants = new TreeMap<>();

        private Builder() {}

        /** Client {@code clientId} (an engine principal id) stands for {@code principal} with {@code roles}. */
        public Builder grant(int clientId, String principal, String... roles) {
            if (clientId < 0) throw new IllegalArgumentException("client id must be >= 0: " + clientId);
            if (grants.containsKey(clientId)) throw new IllegalArgumentException("client " + clientId + " granted twice");
            if (grants.size() >= MAX_CLIENTS) throw new IllegalArgumentException("more than " + MAX_CLIENTS + " clients");
            TreeSet<String> rs = new TreeSet<>();
            for (String r : roles) {
                checkName("role", r);
                if (!rs.add(r)) throw new IllegalArgumentException("role " + r + " given twice for client " + clientId);
            }
            grants.put(clientId, new Grant(principal, rs));
            return this;
        }

        public AccessPolicy build() { return new AccessPolicy(grants); }
    }
}
