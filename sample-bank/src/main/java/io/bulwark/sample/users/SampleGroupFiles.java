package io.bulwark.sample.users;

import io.bulwark.bft.node.LocalCluster;
import io.bulwark.sample.bank.BankService;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.List;

/**
 * The files a sample bank deployment needs, in one directory, for the demo and the integration tests:
 * {@code cluster.conf} and keys for four loopback replicas and four clients (as {@code bulwark keygen},
 * on free ports), the replicas' access policy ({@value #POLICY}), and the web tier's users
 * ({@link UserFile#FILE_NAME}). The mapping, one BFT client identity per app-server user:
 * <pre>
 *   user     client id  replicas' principal : roles
 *   teller   4          teller : teller
 *   alice    5          alice : customer
 *   bob      6          bob : customer
 *   mallory  7          mallory (no role)
 *   (none)   8          eve (no role): a client of the group with no web login, for requests crafted by hand
 *   loadK    8+K        loadK : customer   (K = 1..N, only when asked for: the load generator's users)
 * </pre>
 * Each user's password is their name: demo only.
 */
public final class SampleGroupFiles {
    public static final String POLICY = "bank-policy.conf";
    public record DemoUser(String name, int clientId, String roles) {}
    public static final List<DemoUser> USERS = List.of(new DemoUser("teller", 4, "teller"), new DemoUser("alice", 5, "customer"),
            new DemoUser("bob", 6, "customer"), new DemoUser("mallory", 7, null));
    /** Client 8: keys and a principal (eve, no role) but no web login. */
    public static final int EVE = 8;

    private SampleGroupFiles() {}

    /** Most load users {@link #write(Path, int)} adds. */
    public static final int MAX_LOAD_USERS = 256;

    /**
     * {@code java -cp sample-bank.jar:bulwark.jar io.bulwark.sample.users.SampleGroupFiles DIR [LOAD_USERS]}: what
     * {@code ./bulwark demo} runs first ({@code bench app} asks for one load user per HTTP client).
     */
    public static void main(String[] args) throws IOException {
        int load = -1;
        if (args.length == 1) load = 0;
        else if (args.length == 2 && args[1].matches("\\d{1,4}")) load = Integer.parseInt(args[1]);
        if (load < 0 || load > MAX_LOAD_USERS) {
            System.err.println("usage: SampleGroupFiles DIR [LOAD_USERS]   (writes cluster.conf, keys, " + POLICY + " and " + UserFile.FILE_NAME
                    + " into DIR; LOAD_USERS 0.." + MAX_LOAD_USERS + " customers load1.. for the load generator)");
            System.exit(2);
        }
        System.out.println(write(Path.of(args[0]), load));
    }

    /** Writes the files into {@code dir}; returns the path of its {@code cluster.conf}. */
    public static Path write(Path dir) throws IOException { return write(dir, 0); }

    /** As {@link #write(Path)}, with {@code loadUsers} more customers, {@code load1} (client 9) and on. */
    public static Path write(Path dir, int loadUsers) throws IOException {
        if (loadUsers < 0 || loadUsers > MAX_LOAD_USERS) throw new IllegalArgumentException("load users must be 0.." + MAX_LOAD_USERS + ", not " + loadUsers);
        List<DemoUser> all = new java.util.ArrayList<>(USERS);
        for (int k = 1; k <= loadUsers; k++) all.add(new DemoUser("load" + k, EVE + k, BankService.CUSTOMER));
        Files.createDirectories(dir);
        LocalCluster.prepare(dir, 1, USERS.size() + 1 + loadUsers);
        StringBuilder policy = new StringBuilder("bulwark.access-policy = 1\n");
        StringBuilder users = new StringBuilder("# sample bank users (demo passwords: the user's name)\n");
        SecureRandom random = new SecureRandom();
        for (DemoUser u : all) {
            policy.append("client.").append(u.clientId()).append(" = ").append(u.name());
            if (u.roles() != null) policy.append(" : ").append(u.roles());
            policy.append('\n');
            users.append(UserFile.line(u.name(), u.clientId(), u.name().toCharArray(), random)).append('\n');
        }
        policy.append("client.").append(EVE).append(" = eve\n");
        Files.writeString(dir.resolve(POLICY), policy, StandardCharsets.UTF_8);
        Files.writeString(dir.resolve(UserFile.FILE_NAME), users, StandardCharsets.UTF_8);
        return dir.resolve("cluster.conf");
    }
}
