package io.bulwark.store.bench.hibernate;

import io.bulwark.store.bench.BankSession;
import io.bulwark.store.bench.BankSystem;
import io.bulwark.store.bench.TransferResult;
import jakarta.validation.ConstraintViolationException;
import java.sql.SQLException;
import java.time.Instant;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;
import javax.sql.ConnectionPoolDataSource;
import org.h2.api.ErrorCode;
import org.h2.jdbcx.JdbcConnectionPool;
import org.h2.jdbcx.JdbcDataSource;
import org.hibernate.Session;
import org.hibernate.SessionFactory;
import org.hibernate.Transaction;
import org.hibernate.boot.MetadataSources;
import org.hibernate.boot.registry.StandardServiceRegistry;
import org.hibernate.boot.registry.StandardServiceRegistryBuilder;
import org.hibernate.cfg.AvailableSettings;

/**
 * The baseline a user would otherwise pick: the sample bank on Hibernate ORM (its entities mapped for JPA:
 * {@link JpaAccount}, {@link JpaLedger}, {@link JpaTransfer}) over an embedded, in-memory H2 database (its default
 * MVStore engine: multi-version concurrency with row locks), or over a PostgreSQL server ({@link #postgresql}), Bean
 * Validation active. Both run at their default isolation, read committed, with the entities' {@code @Version} columns
 * for optimistic locking. A transfer is the bank's transaction, as {@code BankServiceBean.transfer} does it on the
 * replicas: read both accounts (the caller is a teller, so the owner check passes), change both, add the net change to
 * the books, write the history entry, retire the entries older than the newest {@code historyKept}, flush (validation,
 * then the version-checked updates) and commit. Lock timeouts, deadlocks, serialization failures and optimistic
 * (version) conflicts roll back and are retried, and counted; an overdraft is refused.
 */
public final class HibernateBank implements BankSystem {
    /** A transfer that keeps conflicting this often gives up, so a livelock shows up as failures. */
    static final int MAX_ATTEMPTS = 100;
    /** Most history entries one transfer retires, as the sample bank's {@code BankServiceBean.RETIRED_PER_ENTRY}. */
    static final int RETIRED_PER_ENTRY = 2;
    private final String name;
    private final int poolSize;
    private final long historyKept;
    private final Supplier<ConnectionPoolDataSource> database;
    private final AutoCloseable server;
    private final AtomicLong retried = new AtomicLong();
    private JdbcConnectionPool pool;
    private StandardServiceRegistry registry;
    private SessionFactory factory;

    /**
     * A bank for {@code clients} concurrent clients (the connection pool holds one connection each) that keeps the newest
     * {@code historyKept} history entries, as the sample bank does.
     */
    public HibernateBank(int clients, long historyKept) {
        this("hibernate-h2", clients, historyKept, HibernateBank::freshH2, null);
    }

    /**
     * A bank named {@code name} on the database {@code database} makes connections to (a fresh one per
     * {@link #open}); {@code server}, if not null, is closed after the bank (the database server the
     * benchmark started for it). The dialect is Hibernate's pick from the connection's metadata.
     */
    public HibernateBank(String name, int clients, long historyKept, Supplier<ConnectionPoolDataSource> database, AutoCloseable server) {
        if (clients < 1) throw new IllegalArgumentException("at least one client");
        if (historyKept < 1) throw new IllegalArgumentException("keep at least one history entry");
        this.name = name;
        this.poolSize = clients;
        this.historyKept = historyKept;
        this.database = database;
        this.server = server;
    }

    /** The bank on a PostgreSQL server at {@code jdbcUrl}, connecting as {@code role}; closing the bank closes {@code server}. */
    public static HibernateBank postgresql(int clients, long historyKept, String jdbcUrl, String role, AutoCloseable server) {
        return new HibernateBank("hibernate-postgresql", clients, historyKept, () -> {
            org.postgresql.ds.PGConnectionPoolDataSource ds = new org.postgresql.ds.PGConnectionPoolDataSource();
            ds.setUrl(jdbcUrl);
            ds.setUser(role);
            return ds;
        }, server);
    }

    /** A fresh private in-memory H2 database; it lives until the pool's last connection closes. */
    private static ConnectionPoolDataSource freshH2() {
        JdbcDataSource ds = new JdbcDataSource();
        ds.setURL("jdbc:h2:mem:bench-" + UUID.randomUUID());
        ds.setUser("sa");
        ds.setPassword("");
        return ds;
    }

    @Override public String name() { return name; }

    @Override public void open(int accounts, long initialBalance) {
        if (factory != null) throw new IllegalStateException("already open");
        // H2's pool over any database's pooled connections: the same pool for every database.
        pool = JdbcConnectionPool.create(database.get());
        pool.setMaxConnections(poolSize);
        registry = new StandardServiceRegistryBuilder()
                .applySetting(AvailableSettings.JAKARTA_NON_JTA_DATASOURCE, pool)
                .applySetting(AvailableSettings.HBM2DDL_AUTO, "create")
                // Validation must run: "callback" fails at start-up if no provider is present.
                .applySetting(AvailableSettings.JAKARTA_VALIDATION_MODE, "callback")
                // Updates in id order: two transfers over the same pair lock rows in the same order.
                .applySetting(AvailableSettings.ORDER_UPDATES, true)
                .applySetting(AvailableSettings.STATEMENT_BATCH_SIZE, 50)
                .build();
        try {
            factory = new MetadataSources(registry).addAnnotatedClass(JpaAccount.class).addAnnotatedClass(JpaLedger.class)
                    .addAnnotatedClass(JpaTransfer.class).buildMetadata().buildSessionFactory();
        } catch (RuntimeException e) {
            release();
            throw e;
        }
        try (Session s = factory.openSession()) {
            Transaction tx = s.beginTransaction();
            s.persist(new JpaLedger(Math.multiplyExact(accounts, initialBalance)));   // the opening balances, as deposits
            Instant now = Instant.now();
            for (long id = 1; id <= accounts; id++) {
                s.persist(new JpaAccount(id, "owner-" + id, "bench", initialBalance, now));
                if (id % 500 == 0) {
                    s.flush();
                    s.clear();
                }
            }
            tx.commit();
        }
    }

    @Override public BankSession session(int client) {
        if (factory == null) throw new IllegalStateException("not open");
        String principal = "bench-teller-" + client;
        return (from, to, amount) -> transfer(principal, from, to, amount);
    }

    private TransferResult transfer(String principal, long from, long to, long amount) {
        RuntimeException last = null;
        for (int attempt = 1; attempt <= MAX_ATTEMPTS; attempt++) {
            try (Session s = factory.openSession()) {
                Transaction tx = s.beginTransaction();
                try {
                    JpaAccount a = s.get(JpaAccount.class, from);
                    if (a == null) throw new IllegalArgumentException("no account " + from);
                    // (the bank's access rule: the owner of `from` or a teller; the bench's clients are tellers)
                    JpaAccount b = s.get(JpaAccount.class, to);
                    if (b == null) throw new IllegalArgumentException("no account " + to);
                    a.add(-amount);
                    b.add(amount);
                    s.get(JpaLedger.class, JpaLedger.ID).addToBalances(0);   // a transfer's net change: the books unchanged
                    JpaTransfer t = new JpaTransfer(JpaTransfer.Kind.TRANSFER, from, to, amount, principal, Instant.now());
                    s.persist(t);
                    // As the bank: the entries that fall out of the newest historyKept, at most RETIRED_PER_ENTRY. A bounded id range,
                    // walked in id order by every transaction: an open-ended "id < n" let PostgreSQL lock old rows in scan order
                    // and deadlock two transfers (retried, but each a lost round trip).
                    long retireTo = t.id() - historyKept;
                    if (retireTo >= 1)
                        s.createMutationQuery("delete from Transfer t where t.id > :after and t.id <= :last")
                                .setParameter("after", retireTo - RETIRED_PER_ENTRY).setParameter("last", retireTo).executeUpdate();
                    s.flush();
                    tx.commit();
                    return TransferResult.APPLIED;
                } catch (RuntimeException e) {
                    if (tx.isActive()) tx.rollback();
                    if (causedBy(e, ConstraintViolationException.class)) return TransferResult.REFUSED;
                    if (!conflict(e)) throw e;
                    last = e;
                    retried.incrementAndGet();
                }
            }
        }
        throw new IllegalStateException("transfer " + from + " -> " + to + " still conflicting after " + MAX_ATTEMPTS + " attempts", last);
    }

    /** A conflict with a concurrent transaction, which a retry resolves (as an application would retry). */
    static boolean conflict(Throwable e) {
        for (Throwable c = e; c != null; c = c.getCause()) {
            if (c instanceof jakarta.persistence.OptimisticLockException || c instanceof org.hibernate.StaleStateException
                    || c instanceof jakarta.persistence.PessimisticLockException || c instanceof jakarta.persistence.LockTimeoutException
                    || c instanceof org.hibernate.PessimisticLockException || c instanceof org.hibernate.exception.LockAcquisitionException)
                return true;
            if (c instanceof SQLException sql && (sql.getErrorCode() == ErrorCode.DEADLOCK_1 || sql.getErrorCode() == ErrorCode.LOCK_TIMEOUT_1
                    || sql.getErrorCode() == ErrorCode.CONCURRENT_UPDATE_1))
                return true;
            // PostgreSQL: serialization_failure, deadlock_detected (its error codes are all 0; the SQL state says it).
            if (c instanceof SQLException sql && ("40001".equals(sql.getSQLState()) || "40P01".equals(sql.getSQLState())))
                return true;
        }
        return false;
    }

    private static boolean causedBy(Throwable e, Class<? extends Throwable> type) {
        for (Throwable c = e; c != null; c = c.getCause()) if (type.isInstance(c)) return true;
        return false;
    }

    @Override public long totalBalance() {
        try (Session s = factory.openSession()) {
            Long sum = s.createQuery("select sum(a.balance) from Account a", Long.class).getSingleResult();
            return sum == null ? 0 : sum;
        }
    }

    /** History entries in the database (for tests). */
    long historyEntries() {
        try (Session s = factory.openSession()) {
            return s.createQuery("select count(t) from Transfer t", Long.class).getSingleResult();
        }
    }

    /** The books' (deposits, balances) (for tests). */
    long[] ledger() {
        try (Session s = factory.openSession()) {
            JpaLedger l = s.get(JpaLedger.class, JpaLedger.ID);
            return new long[] {l.deposits(), l.balances()};
        }
    }

    /** Accounts in the database (for tests). */
    long accountCount() {
        try (Session s = factory.openSession()) {
            return s.createQuery("select count(a) from Account a", Long.class).getSingleResult();
        }
    }

    /** The balance of one account (for tests). */
    long balance(long id) {
        try (Session s = factory.openSession()) {
            return s.get(JpaAccount.class, id).balance();
        }
    }

    @Override public long retried() { return retried.get(); }

    @Override public void close() throws Exception {
        try {
            release();
        } finally {
            if (server != null) server.close();
        }
    }

    /** Hibernate and the connection pool (not the server). */
    private void release() {
        if (factory != null) factory.close();
        factory = null;
        if (registry != null) StandardServiceRegistryBuilder.destroy(registry);
        registry = null;
        if (pool != null) pool.dispose();
        pool = null;
    }
}
