package io.bulwark.store.bench.bank;

import io.bulwark.jakarta.host.CdiReplicaHost;
import io.bulwark.store.StoreDefinition;
import io.bulwark.store.ValidationException;
import io.bulwark.store.access.AccessPolicy;
import java.io.IOException;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.RecordComponent;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * The sample bank (the {@code sample-bank} application jar, the one the demo and the WAR run) as {@code bench store}
 * drives it: loaded from its jar by the CDI replica host, as a replica loads it, so that the benchmark measures the
 * bank users meet (its {@code Account}, {@code Ledger} and {@code Transfer} entities, its invariants, its access rule
 * and its bounded history), not a copy of its own. The bench's clients are tellers (they move money between any two
 * accounts); the access check still runs on every transfer.
 * <p>
 * The bench is built without the bank on its class path (the CLI ships no application), so the bank's service
 * interface is called through its methods here, in one place.
 */
public final class SampleBank implements AutoCloseable {
    /** The service interface and the bean the replicas run, in the jar. */
    static final String SERVICE = "io.bulwark.sample.bank.BankService";
    static final String BEAN = "io.bulwark.sample.bank.BankServiceBean";
    /** The role the bench's clients get (BankService.TELLER). */
    public static final String TELLER = "teller";

    private final Path jar;
    private final CdiReplicaHost host;
    private final Class<?> service;
    private final Method open, deposit, transfer, account, audit;
    private final Method auditSum, auditBalanced;
    private final long historyKept;

    private SampleBank(Path jar) throws IOException {
        this.jar = jar;
        host = CdiReplicaHost.boot(List.of(jar), SampleBank.class.getClassLoader());
        try {
            ClassLoader loader = host.entities().isEmpty() ? SampleBank.class.getClassLoader() : host.entities().get(0).getClassLoader();
            service = Class.forName(SERVICE, true, loader);
            open = service.getMethod("open", String.class, String.class);
            deposit = service.getMethod("deposit", long.class, long.class);
            transfer = service.getMethod("transfer", long.class, long.class, long.class);
            account = service.getMethod("account", long.class);
            audit = service.getMethod("audit");
            Class<?> auditType = audit.getReturnType();
            auditSum = accessor(auditType, "sumOfAccounts");
            auditBalanced = auditType.getMethod("balanced");
            historyKept = Class.forName(BEAN, true, loader).getField("HISTORY_KEPT").getLong(null);
        } catch (ReflectiveOperationException | RuntimeException e) {
            host.close();
            throw new IllegalArgumentException(jar + " is not the sample bank this bench drives (" + e + ")", e);
        }
    }

    /** The bank in {@code jar} (the sample-bank jar), booted in this process. */
    public static SampleBank load(Path jar) throws IOException {
        return new SampleBank(jar);
    }

    /**
     * Where the sample bank's jar is when nobody says: {@code $BULWARK_HOME/sample-bank/target/sample-bank-*.jar}, the
     * jar the {@code bulwark} launcher builds (it sets {@code BULWARK_HOME}); empty if there is none.
     */
    public static Optional<Path> defaultJar() {
        String home = System.getenv("BULWARK_HOME");
        if (home == null || home.isBlank()) return Optional.empty();
        Path target = Path.of(home, "sample-bank", "target");
        if (!Files.isDirectory(target)) return Optional.empty();
        try (Stream<Path> s = Files.list(target)) {
            return s.filter(p -> {
                String n = p.getFileName().toString();
                return n.startsWith("sample-bank-") && n.endsWith(".jar") && !n.endsWith("-sources.jar") && !n.endsWith("-javadoc.jar");
            }).sorted().reduce((a, b) -> b);
        } catch (IOException e) {
            return Optional.empty();
        }
    }

    public Path jar() { return jar; }

    /** The store the replicas run for this bank under {@code policy} (what {@code replica --service cdi} builds). */
    public StoreDefinition definition(AccessPolicy policy) { return host.definition(policy); }

    /** The bank's service interface, for a client's proxy ({@code BulwarkClient.proxy}). */
    public Class<?> serviceInterface() { return service; }

    /** How many history entries the bank keeps ({@code BankServiceBean.HISTORY_KEPT}): the baselines keep as many. */
    public long historyKept() { return historyKept; }

    /** The access policy file's text: clients {@code ids} are tellers named {@code bench-teller-<id>}. */
    public static String tellerPolicy(List<Integer> ids) {
        StringBuilder b = new StringBuilder("bulwark.access-policy = 1\n");
        for (int id : ids) b.append("client.").append(id).append(" = bench-teller-").append(id).append(" : ").append(TELLER).append('\n');
        return b.toString();
    }

    /** Opens an account of {@code owner} holding {@code balance} (two requests: open, then a teller's deposit); its id. */
    public long openAccount(Object proxy, String owner, long balance) throws Exception {
        Object account = call(open, proxy, owner, "bench");
        long id = account.getClass().getField("id").getLong(account);
        if (balance > 0) call(deposit, proxy, id, balance);
        return id;
    }

    /** One transfer: {@code true} applied, {@code false} refused by the bank's invariant (the overdraft); anything else thrown. */
    public boolean transfer(Object proxy, long from, long to, long amount) throws Exception {
        try {
            call(transfer, proxy, from, to, amount);
            return true;
        } catch (ValidationException e) {
            return false;
        }
    }

    /** One account's balance. */
    public long balance(Object proxy, long id) throws Exception {
        Object a = call(account, proxy, id);
        return a.getClass().getField("balance").getLong(a);
    }

    /** The accounts' sum as the bank's audit recomputes it; {@link IllegalStateException} if the audit does not balance. */
    public long totalBalance(Object proxy) throws Exception {
        Object a = call(audit, proxy);
        if (!(boolean) auditBalanced.invoke(a)) throw new IllegalStateException("the bank's audit does not balance: " + a);
        return (long) auditSum.invoke(a);
    }

    private static Object call(Method m, Object proxy, Object... args) throws Exception {
        try {
            return m.invoke(proxy, args);
        } catch (InvocationTargetException e) {
            if (e.getCause() instanceof Exception x) throw x;
            throw e;
        }
    }

    private static Method accessor(Class<?> record, String name) throws NoSuchMethodException {
        for (RecordComponent c : record.getRecordComponents()) if (c.getName().equals(name)) return c.getAccessor();
        throw new NoSuchMethodException(record.getName() + "." + name);
    }

    @Override public void close() { host.close(); }
}
