package io.bulwark.sample.web;

import io.bulwark.bft.config.ClusterConfig;
import io.bulwark.bft.config.KeyMaterial;
import io.bulwark.bft.config.ProtocolConfig;
import io.bulwark.bft.durable.PrincipalLock;
import io.bulwark.bft.durable.ProcessLock;
import io.bulwark.bft.msg.StatusReport;
import io.bulwark.bft.node.BftClient;
import io.bulwark.jakarta.client.BulwarkClient;
import io.bulwark.sample.users.UserFile;
import io.bulwark.store.unreplicated.UnreplicatedStoreClient;
import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.context.Dependent;
import jakarta.enterprise.inject.Produces;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * One BFT client identity per logged-in user: the first request of a user connects that user's engine
 * client (keys beside {@code cluster.conf}, held under the client id's process lock, as
 * {@link BulwarkClient#connect} does) and later requests reuse it. The {@link BulwarkClient} producer
 * gives the adapter's proxies the current user's client, so an injected {@code BankService} signs its
 * requests as that user. Configuration (system properties): {@value BulwarkClient#CONFIG_PROPERTY} (the
 * {@code cluster.conf}), {@value #USERS_PROPERTY} (the users file; default {@link UserFile#FILE_NAME}
 * beside it), {@value BulwarkClient#TIMEOUT_PROPERTY} (default 30 s). Read on first use, so the WAR
 * deploys without them and answers 503 until they are set.
 * <p>
 * {@value #UNREPLICATED_PROPERTY} ({@code host:port}, unset by default): <b>a baseline, not a deployment</b>. The
 * bank then runs against the unreplicated store of {@code bulwark unreplicated} (the same bank jar, one process,
 * no replication, no fault tolerance, and no authentication: each user's client id is what this server states)
 * instead of the replica group; {@code bulwark bench app} sets it to compare the two. The users file is still
 * read from beside {@code cluster.conf}; {@code GET api/group} answers 503 (there is no group).
 */
@ApplicationScoped
public class BankClients {
    public static final String USERS_PROPERTY = "bulwark.bank.users";
    /** The baseline switch: {@code host:port} of an unreplicated store (see the class comment). */
    public static final String UNREPLICATED_PROPERTY = "bulwark.bank.unreplicated-store";

    /** A user's way to the store: an engine client (with its process lock), or the unreplicated store's client. */
    private record Link(io.bulwark.bft.node.Invoker engine, AutoCloseable connection, ProcessLock lock, BulwarkClient client) {}

    private final Map<Integer, Link> links = new ConcurrentHashMap<>();
    /** A digest of the last password that checked out, per user: PBKDF2 once per user, not per request. */
    private final Map<String, byte[]> verified = new ConcurrentHashMap<>();
    private volatile Config config;

    private record Config(Path clusterConf, ClusterConfig cluster, UserFile users, Duration timeout, InetSocketAddress unreplicated) {}

    private Config config() {
        Config c = config;
        if (c != null) return c;
        synchronized (this) {
            if (config != null) return config;
            String conf = System.getProperty(BulwarkClient.CONFIG_PROPERTY);
            if (conf == null) throw new UnavailableException("the bank is not configured: set the system property " + BulwarkClient.CONFIG_PROPERTY
                    + " to the replica group's cluster.conf (and " + USERS_PROPERTY + " to the users file)");
            Path clusterConf = Path.of(conf).toAbsolutePath();
            Path usersFile = Path.of(System.getProperty(USERS_PROPERTY, clusterConf.resolveSibling(UserFile.FILE_NAME).toString()));
            String t = System.getProperty(BulwarkClient.TIMEOUT_PROPERTY), u = System.getProperty(UNREPLICATED_PROPERTY);
            try {
                ClusterConfig cluster = io.bulwark.bft.config.ClusterConfigFile.read(clusterConf);
                config = new Config(clusterConf, cluster, UserFile.read(usersFile),
                        t == null ? BulwarkClient.DEFAULT_TIMEOUT : Duration.ofMillis(Long.parseLong(t.strip())),
                        u == null || u.isBlank() ? null : UnreplicatedStoreClient.parseAddress(u.strip()));
            } catch (Exception e) {
                throw new UnavailableException("cannot read the bank's configuration (" + clusterConf + ", " + usersFile
                        + (u == null ? "" : ", " + UNREPLICATED_PROPERTY + "=" + u) + "): " + e.getMessage());
            }
            return config;
        }
    }

    public UserFile users() { return config().users(); }

    /** Whether {@code password} is {@code user}'s. */
    public boolean checkPassword(UserFile.User user, char[] password) {
        byte[] digest = digest(user, password);
        byte[] known = verified.get(user.name());
        if (known != null && MessageDigest.isEqual(known, digest)) return true;
        if (!user.checks(password)) return false;
        verified.put(user.name(), digest);
        return true;
    }

    /** The current user's client: what the adapter's {@code @Replicated} proxies call through. */
    @Produces @Dependent
    BulwarkClient currentClient(CurrentUser current) {
        UserFile.User user = current.get();
        if (user == null) throw new IllegalStateException("no logged-in user: the REST API runs behind LoginFilter");
        return clientOf(user);
    }

    /** {@code user}'s client, connected on first use. */
    public BulwarkClient clientOf(UserFile.User user) {
        Config c = config();
        return links.computeIfAbsent(user.clientId(), id -> connect(c, id)).client();
    }

    private static Link connect(Config c, int clientId) {
        if (c.unreplicated() != null) {
            UnreplicatedStoreClient store = new UnreplicatedStoreClient(c.unreplicated(), clientId);
            return new Link(store, store, null, BulwarkClient.over(store, c.timeout()));
        }
        Path dir = c.clusterConf().getParent();
        ProcessLock lock = null;
        BftClient engine = null;
        try {
            KeyMaterial keys = KeyMaterial.load(dir, clientId);
            lock = PrincipalLock.acquire(dir, keys.config(), clientId);   // one process per client id: they would share timestamps
            engine = BftClient.connect(keys, ProtocolConfig.defaults(keys.config().f()));
            if (!engine.awaitConnected(c.timeout()))
                throw new UnavailableException("client " + clientId + " could not reach 2f+1 replicas within " + c.timeout());
            return new Link(engine, engine, lock, BulwarkClient.over(engine, c.timeout()));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            close(engine, lock);
            throw new UnavailableException("interrupted while connecting");
        } catch (UnavailableException e) {
            close(engine, lock);
            throw e;
        } catch (Exception e) {
            close(engine, lock);
            throw new UnavailableException("client " + clientId + ": " + e.getMessage());
        }
    }

    /** How long {@link #group} waits for the replicas' STATUS-REPORTs. */
    static final Duration STATUS_BOUND = Duration.ofSeconds(1);

    /**
     * What this server knows of the replica group. The view is the highest any of its clients learned from a
     * reply certificate (section 4.2: f+1 replies vouch for it), its primary is view mod n; whether each replica
     * accepts connections is probed now, and each replica is asked for its own status (STATUS-QUERY, through
     * {@code user}'s client, answered under the replica's MAC) for its last stable checkpoint and recoveries.
     */
    public GroupStatus group(UserFile.User user) {
        Config c = config();
        if (c.unreplicated() != null)
            throw new UnavailableException("no replica group: this server runs the bank against the unreplicated store at " + c.unreplicated()
                    + " (" + UNREPLICATED_PROPERTY + ", a baseline)");
        clientOf(user);
        Map<Integer, CompletableFuture<StatusReport>> asked = new TreeMap<>();
        if (links.get(user.clientId()).engine() instanceof BftClient engine) {
            for (ClusterConfig.Replica r : c.cluster().replicas())
                if (engine.keyAckedBy(r.id())) asked.put(r.id(), engine.status(r.id(), STATUS_BOUND));
        }
        long view = -1;
        for (Link l : links.values()) view = Math.max(view, l.engine().view());
        long deadline = System.nanoTime() + STATUS_BOUND.toNanos();
        List<GroupStatus.Replica> replicas = new ArrayList<>();
        for (ClusterConfig.Replica r : c.cluster().replicas()) {
            StatusReport s = report(asked.get(r.id()), deadline);
            replicas.add(s == null
                    ? new GroupStatus.Replica(r.id(), r.host(), r.port(), reachable(r), null, null, null, null, null, null)
                    : new GroupStatus.Replica(r.id(), r.host(), r.port(), reachable(r), s.view(), s.stableSeq(), s.lastExecuted(), state(s),
                            counter(s, "recoveries_total"), counter(s, "peer_recoveries_seen")));
        }
        int n = c.cluster().n();
        return new GroupStatus(n, c.cluster().f(), view < 0 ? null : view, view < 0 ? null : (int) (view % n), links.size(), replicas);
    }

    /** The report if it came by {@code deadline} (System.nanoTime), else null. */
    private static StatusReport report(CompletableFuture<StatusReport> asked, long deadline) {
        if (asked == null) return null;
        try {
            return asked.get(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return null;
        } catch (ExecutionException | TimeoutException e) {
            return null;
        }
    }

    private static String state(StatusReport s) {
        if (s.corrupt()) return "corrupt";
        if (s.transferring()) return "fetching state";
        if (counter(s, "recovering") > 0) return "recovering";
        return s.viewActive() ? "normal" : "changing view";
    }

    /** A report's counter (a replica leaves out the ones at zero). */
    private static long counter(StatusReport s, String name) {
        for (StatusReport.Counter k : s.counters()) if (k.name().equals(name)) return k.value();
        return 0;
    }

    private static boolean reachable(ClusterConfig.Replica r) {
        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress(r.host(), r.port()), 500);
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    private static byte[] digest(UserFile.User user, char[] password) {
        try {
            MessageDigest md = MessageDigest.getInstance("SHA-256");
            md.update(user.salt());
            md.update(new String(password).getBytes(StandardCharsets.UTF_8));
            return md.digest();
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    @PreDestroy
    void closeAll() {
        for (Link l : links.values()) close(l.connection(), l.lock());
        links.clear();
    }

    private static void close(AutoCloseable engine, ProcessLock lock) {
        if (engine != null) {
            try {
                engine.close();
            } catch (Exception ignored) {
                // closing on the way out: nothing more to release
            }
        }
        if (lock != null) {
            try {
                lock.close();
            } catch (IOException ignored) {
                // the lock file is gone or the server is stopping: nothing more to release
            }
        }
    }
}
