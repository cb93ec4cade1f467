package io.bulwark.jakarta.client;

import io.bulwark.bft.config.KeyMaterial;
import io.bulwark.bft.config.ProtocolConfig;
import io.bulwark.bft.durable.PrincipalLock;
import io.bulwark.bft.durable.ProcessLock;
import io.bulwark.bft.node.BftClient;
import io.bulwark.bft.node.Invoker;
import io.bulwark.bft.msg.StatusReport;
import io.bulwark.jakarta.config.ClientSettings;
import io.bulwark.jakarta.config.SystemPropertiesSource;
import io.bulwark.jakarta.contract.CodecTypes;
import io.bulwark.jakarta.contract.Contract;
import io.bulwark.jakarta.data.Repositories;
import io.bulwark.jakarta.data.RepositoryModel;
import io.bulwark.jakarta.metrics.ClientMetrics;
import io.bulwark.jakarta.metrics.MeteredHandler;
import io.bulwark.store.StoreDefinition;
import io.bulwark.store.client.StoreClient;
import io.bulwark.store.client.StoreXAResource;
import io.bulwark.jakarta.jta.JtaJoiner;
import io.bulwark.jakarta.jta.TransactionJoiner;
import javax.transaction.xa.XAResource;
import java.io.IOException;
import java.lang.reflect.InvocationHandler;
import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Predicate;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;

/**
 * A client of a replica group running {@code @Replicated} services: {@link #proxy} gives a typed proxy
 * of a contract interface whose every call is one BFT request (see {@link io.bulwark.jakarta.Replicated}).
 * <p>
 * Outcomes of a call: the certified result; or the failure the replicas agreed on, as the store's
 * exception ({@code ValidationException}, {@code AccessDeniedException}, {@code OptimisticLockException},
 * {@code NotFoundException}, {@code EntityExistsException}, {@code BadRequestException} for arguments the
 * replicas refuse), the application's own exception re-created, a
 * {@link io.bulwark.jakarta.RemoteOperationException} if it cannot be, or an
 * {@link io.bulwark.jakarta.UnknownOperationException}; or, with no certified answer, a
 * {@code GroupUnavailableException} (the operation may or may not have run); a certified result of
 * another type is a {@code ResultTypeException} (it ran).
 * <p>
 * Thread-safe. {@link #connect} owns its engine client (and holds the client id's lock, so that no
 * second process uses the same id) and closes both; {@link #over} borrows one.
 */
public final class BulwarkClient implements AutoCloseable {
    /** Keys read by {@link #fromConfiguration} and {@link #fromSystemProperties} (see {@link ClientSettings}). */
    public static final String CONFIG_PROPERTY = ClientSettings.CONFIG;
    public static final String ID_PROPERTY = ClientSettings.ID;
    public static final String TIMEOUT_PROPERTY = ClientSettings.TIMEOUT;
    public static final Duration DEFAULT_TIMEOUT = ClientSettings.DEFAULT_TIMEOUT;

    /** The engine's limit on the group's size (its key-ack mask is a long). */
    private static final int MAX_REPLICAS = 64;
    /** Beyond the bound the engine applies to each status query: its timer and our wait are not the same clock. */
    private static final Duration SLACK = Duration.ofMillis(500);

    /** Where calls go: the engine client, or (for baselines) the unreplicated store's client. */
    private final Invoker engine;
    /** The engine client when {@link #engine} is one (group status needs it); null over another invoker. */
    private final BftClient group;
    private final boolean owned;
    private final ProcessLock lock;
    private final Duration timeout;
    private volatile Duration healthTimeout = ClientSettings.DEFAULT_HEALTH_TIMEOUT;
    private final ClientMetrics metrics = new ClientMetrics();
    private final ConcurrentMap<Class<?>, Object> proxies = new ConcurrentHashMap<>();
    /** The store as an XA resource for this client's identity; every proxy's calls join its branches. */
    private final StoreXAResource xa;
    /** How a call joins the caller's JTA transaction: the manager found in JNDI by default (none in plain Java SE). */
    private volatile TransactionJoiner joiner;

    private BulwarkClient(Invoker engine, boolean owned, ProcessLock lock, Duration timeout) {
        this.engine = Objects.requireNonNull(engine, "engine client");
        this.group = engine instanceof BftClient b ? b : null;
        this.owned = owned;
        this.lock = lock;
        if (timeout.isNegative() || timeout.isZero()) throw new IllegalArgumentException("timeout must be positive");
        this.timeout = timeout;
        this.xa = new StoreXAResource(engine, timeout);
        // Checked before JtaJoiner is loaded: it names JTA types, which a plain Java SE client may not have.
        this.joiner = TransactionJoiner.jtaPresent() ? JtaJoiner.fromJndi(xa) : TransactionJoiner.NONE;
    }

    /**
     * The store as an {@link XAResource} of this client's identity (one per client). A transaction manager
     * enlists it by itself when a proxy is called inside an active transaction ({@link #joinTransactionsOf});
     * give it to the manager's recovery (for Narayana, an {@code XAResourceRecoveryHelper} returning it) so that
     * branches prepared before a crash are completed.
     */
    public XAResource xaResource() { return xa; }

    /**
     * Calls of this client's proxies made inside an active transaction of {@code manager} join it. Without this,
     * the manager is looked up in JNDI at the first call ({@link JtaJoiner#JNDI_NAMES}: WildFly, Payara).
     */
    public BulwarkClient joinTransactionsOf(jakarta.transaction.TransactionManager manager) {
        this.joiner = JtaJoiner.of(xa, manager);
        return this;
    }

    /**
     * Enlists the store in the calling thread's active JTA transaction now, without a request (a no-op outside one,
     * or if already enlisted). Proxies do it at their first call; doing it before a non-XA resource (a local-transaction
     * data source) joins matters on Payara (GlassFish), which adds no XA resource to a transaction already holding a
     * non-XA one, while the non-XA one may still join last.
     */
    public void joinTransaction() {
        try {
            joiner.call(() -> null);
        } catch (RuntimeException | Error e) {
            throw e;
        } catch (Throwable impossible) {
            throw new IllegalStateException(impossible);
        }
    }

    /** Calls never join a JTA transaction, even inside one. */
    public BulwarkClient withoutTransactions() {
        this.joiner = TransactionJoiner.NONE;
        return this;
    }

    /** A client over a connected engine client it does not own (closing this leaves it open). */
    public static BulwarkClient over(BftClient engine, Duration timeout) {
        return new BulwarkClient(engine, false, null, timeout);
    }

    /**
     * A client over another way to the store that it does not own: the unreplicated store of baselines
     * ({@code io.bulwark.store.unreplicated.UnreplicatedStoreClient}), where nothing is certified by replicas.
     * {@link #groupStatus} is refused (there is no group).
     */
    public static BulwarkClient over(Invoker invoker, Duration timeout) {
        return new BulwarkClient(invoker, false, null, timeout);
    }

    /**
     * Connects as client {@code clientId} of the group in {@code clusterConf} (the {@code cluster.conf}
     * written by {@code bulwark keygen}; the client's key files sit beside it) and waits until 2f+1
     * replicas are connected; {@link IOException} if they are not within {@code timeout}.
     */
    public static BulwarkClient connect(Path clusterConf, int clientId, Duration timeout) throws IOException {
        Path dir = clusterConf.toAbsolutePath().getParent();
        ProcessLock lock = null;
        BftClient engine = null;
        try {
            KeyMaterial keys = KeyMaterial.load(dir, clientId);
            // One process per client id: two would share its request timestamps (the replicas would drop one's requests).
            lock = PrincipalLock.acquire(dir, keys.config(), clientId);
            engine = BftClient.connect(keys, ProtocolConfig.defaults(keys.config().f()));
            if (!engine.awaitConnected(timeout))
                throw new IOException("client " + clientId + " could not connect to 2f+1 = " + (2 * keys.config().f() + 1)
                        + " replicas of " + clusterConf + " within " + timeout + " (is the replica group running?)");
            return new BulwarkClient(engine, true, lock, timeout);
        } catch (IOException | RuntimeException e) {
            closeQuietly(engine, lock);
            throw e;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            closeQuietly(engine, lock);
            throw new IOException("interrupted while connecting", e);
        } catch (Exception e) {   // the engine's checked configuration and key errors
            closeQuietly(engine, lock);
            throw new IOException("client " + clientId + " of " + clusterConf + ": " + e.getMessage(), e);
        }
    }

    /**
     * Connects as configured by the first source that sets {@value #CONFIG_PROPERTY}: MicroProfile Config when present,
     * else {@code bulwark.properties}, else the system properties (see {@link ClientSettings}). CDI client mode uses it
     * when the application provides no BulwarkClient bean.
     */
    public static BulwarkClient fromConfiguration() throws IOException {
        return connect(ClientSettings.resolve());
    }

    /**
     * Connects as configured by system properties only: {@value #CONFIG_PROPERTY} (path of cluster.conf),
     * {@value #ID_PROPERTY} (this client's id) and optionally {@value #TIMEOUT_PROPERTY} (default 30 s).
     */
    public static BulwarkClient fromSystemProperties() throws IOException {
        return connect(ClientSettings.resolve(List.of(new SystemPropertiesSource())));
    }

    /** Connects with {@code settings} (its health timeout bounds {@link #groupStatus()}). */
    public static BulwarkClient connect(ClientSettings settings) throws IOException {
        BulwarkClient c = connect(settings.clusterConfig(), settings.clientId(), settings.timeout());
        c.healthTimeout = settings.healthTimeout();
        return c;
    }

    /**
     * Asks every replica for its status (STATUS-QUERY, in parallel) and waits at most {@code bound} for the answers:
     * which replicas answer now. A replica that has not yet acknowledged this client's key may not get the question,
     * and counts as silent.
     */
    public GroupStatus groupStatus(Duration bound) throws InterruptedException {
        if (bound.isNegative() || bound.isZero()) throw new IllegalArgumentException("bound must be positive");
        if (group == null) throw new IllegalStateException("no replica group: this client calls " + engine);
        Map<Integer, CompletableFuture<StatusReport>> asked = new TreeMap<>();
        // The engine knows the group's size: it refuses an id past the last replica (replicas are 0..n-1).
        for (int r = 0; r < MAX_REPLICAS; r++) {
            try {
                asked.put(r, group.status(r, bound));
            } catch (IllegalArgumentException notAReplica) {
                break;
            }
        }
        SortedMap<Integer, Long> answering = new TreeMap<>();
        SortedMap<Integer, String> silent = new TreeMap<>();
        long deadline = System.nanoTime() + bound.toNanos() + SLACK.toNanos();
        for (Map.Entry<Integer, CompletableFuture<StatusReport>> e : asked.entrySet()) {
            try {
                StatusReport report = e.getValue().get(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
                answering.put(e.getKey(), report.view());
            } catch (ExecutionException x) {
                silent.put(e.getKey(), String.valueOf(x.getCause().getMessage()));
            } catch (TimeoutException x) {
                silent.put(e.getKey(), "no status within " + bound);
            }
        }
        int n = asked.size();
        return new GroupStatus(n, (n - 1) / 3, answering, silent);
    }

    /** {@link #groupStatus(Duration)} within the health timeout of this client's settings ({@value ClientSettings#HEALTH_TIMEOUT}, default 2 s). */
    public GroupStatus groupStatus() throws InterruptedException { return groupStatus(healthTimeout); }

    /**
     * The typed proxy of {@code contract} (an interface: annotated {@code @Replicated} or implemented by a
     * {@code @Replicated} bean class; or a Jakarta Data {@code @Repository} Bulwark implements). Cached: one per contract. {@link IllegalArgumentException} if the
     * interface cannot be a contract, or names a class the store's codec cannot carry.
     */
    public <T> T proxy(Class<T> contract) {
        return contract.cast(proxies.computeIfAbsent(contract, this::newProxy));
    }

    private Object newProxy(Class<?> type) {
        // The typed proxy, wrapped in one that times each call (the inner handler gets the outer proxy, so a default
        // method's calls are timed too).
        Object inner;
        Predicate<Method> readOnly;
        if (type.isAnnotationPresent(jakarta.data.repository.Repository.class)) {
            // A Jakarta Data repository Bulwark implements: its methods are queries, not contract operations.
            inner = Repositories.proxy(type, engine, timeout, xa);
            RepositoryModel model = RepositoryModel.of(type);
            readOnly = m -> model.method(m) != null && model.method(m).readOnly();
        } else {
            Contract contract = Contract.of(type);
            inner = contractProxy(type, contract);
            readOnly = m -> contract.operation(m) != null && contract.operation(m).readOnly();
        }
        InvocationHandler typed = Proxy.getInvocationHandler(inner);
        InvocationHandler joining = (proxy, method, args) -> method.getDeclaringClass() == Object.class
                ? typed.invoke(proxy, method, args)
                : joiner.call(() -> typed.invoke(proxy, method, args));   // inside a JTA transaction, the call joins its branch
        InvocationHandler metered = new MeteredHandler(joining, metrics, engine, type, readOnly);
        return Proxy.newProxyInstance(type.getClassLoader(), new Class<?>[] {type}, metered);
    }

    /** This client's metrics: every proxy call, by contract, method, kind and outcome; the views seen ({@link ClientMetrics}). */
    public ClientMetrics metrics() { return metrics; }

    private Object contractProxy(Class<?> type, Contract contract) {
        CodecTypes types = new CodecTypes().addContract(contract);
        StoreDefinition definition = StoreDefinition.builder()
                .entities(types.entities().toArray(Class<?>[]::new)).values(types.values().toArray(Class<?>[]::new)).build();
        StoreClient store = new StoreClient(engine, definition.codec(), timeout, xa);
        ClassLoader loader = type.getClassLoader();
        return Proxy.newProxyInstance(loader, new Class<?>[] {type}, new ContractHandler(contract, store));
    }

    @Override public void close() {
        if (owned) closeQuietly(group, lock);
    }

    private static void closeQuietly(BftClient engine, ProcessLock lock) {
        if (engine != null) engine.close();
        if (lock != null) {
            try {
                lock.close();
            } catch (IOException ignored) {
                // the process exits or the lock file is gone: nothing more to release
            }
        }
    }

    @Override public String toString() { return "BulwarkClient[" + proxies.size() + " contracts, timeout " + timeout + "]"; }
}
