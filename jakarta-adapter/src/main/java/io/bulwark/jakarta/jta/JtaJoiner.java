package io.bulwark.jakarta.jta;

import io.bulwark.store.xa.BranchXid;
import io.bulwark.store.client.StoreXAResource;
import jakarta.transaction.Synchronization;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import jakarta.transaction.RollbackException;
import jakarta.transaction.Status;
import jakarta.transaction.SystemException;
import jakarta.transaction.Transaction;
import jakarta.transaction.TransactionManager;
import java.util.List;
import java.util.Objects;
import java.util.function.Supplier;
import javax.naming.InitialContext;
import javax.naming.NamingException;

/**
 * The store in JTA transactions: at the first call of a replicated bean or repository inside an active
 * transaction of the calling thread, the store's {@link StoreXAResource} is enlisted in it
 * ({@code Transaction.enlistResource}, which makes the manager call {@code start}); that call and every
 * later one in the same transaction run inside the branch (calls outside it, or in a suspended one, run
 * on their own: the branch is chosen by the thread's transaction, not only by start and end), and the transaction manager prepares and commits it with the transaction's other
 * resources. The {@code TransactionManager} is the one given, or the first found in JNDI under
 * {@link #JNDI_NAMES} (WildFly, Payara, the Jakarta EE default); none found, calls run on their own.
 * ({@code TransactionSynchronizationRegistry} cannot enlist an {@code XAResource}, so it is not used.)
 */
public final class JtaJoiner implements TransactionJoiner {
    /** WildFly, WildFly's other name, Payara (GlassFish), then the Jakarta EE name some servers bind. */
    public static final List<String> JNDI_NAMES = List.of("java:/TransactionManager", "java:jboss/TransactionManager",
            "java:appserver/TransactionManager", "java:comp/TransactionManager");

    private final StoreXAResource resource;
    private final Supplier<TransactionManager> manager;
    /** The store's branch of each transaction it joined, until the transaction completes. */
    private final Map<Transaction, BranchXid> joined = new ConcurrentHashMap<>();

    private JtaJoiner(StoreXAResource resource, Supplier<TransactionManager> manager) {
        this.resource = Objects.requireNonNull(resource, "resource");
        this.manager = manager;
    }

    /** Joins the transactions of {@code manager}. */
    public static JtaJoiner of(StoreXAResource resource, TransactionManager manager) {
        Objects.requireNonNull(manager, "transaction manager");
        return new JtaJoiner(resource, () -> manager);
    }

    /**
     * Joins the transactions of the manager found in JNDI, looked up at the first call and kept; or
     * {@link TransactionJoiner#NONE} if the JTA API is not on the class path.
     */
    public static TransactionJoiner fromJndi(StoreXAResource resource) {
        if (!TransactionJoiner.jtaPresent()) return NONE;
        return new JtaJoiner(resource, new Supplier<>() {
            private volatile TransactionManager found;
            private volatile boolean looked;

            @Override public TransactionManager get() {
                if (!looked) {
                    found = lookup();
                    looked = true;
                }
                return found;
            }
        });
    }

    /** The first transaction manager bound under {@link #JNDI_NAMES}, or null (no JNDI, as in plain Java SE, or none bound). */
    public static TransactionManager lookup() {
        try {
            InitialContext ctx = new InitialContext();
            try {
                for (String name : JNDI_NAMES) {
                    try {
                        if (ctx.lookup(name) instanceof TransactionManager tm) return tm;
                    } catch (NamingException notThere) {
                        // try the next name
                    }
                }
            } finally {
                ctx.close();
            }
        } catch (NamingException noJndi) {
            // no naming provider: no container transactions
        }
        return null;
    }

    @Override
    public Object call(StoreXAResource.Call<Object> call) throws Throwable {
        TransactionManager tm = manager.get();
        BranchXid xid = tm == null ? null : branchOf(tm);
        if (xid == null) {
            // No active transaction: outside any branch, unless the thread holds a branch started by hand (not one of a
            // transaction of ours, which is suspended or completing).
            BranchXid byHand = resource.associated();
            xid = byHand != null && !joined.containsValue(byHand) ? byHand : null;
        }
        return resource.within(xid, call);
    }

    /** The store's branch of the thread's active transaction (enlisting at the first call), or null if there is none. */
    private BranchXid branchOf(TransactionManager tm) {
        try {
            Transaction tx = tm.getTransaction();
            if (tx == null) return null;
            int status = tx.getStatus();
            if (status == Status.STATUS_NO_TRANSACTION) return null;
            if (status != Status.STATUS_ACTIVE)
                throw new IllegalStateException("the JTA transaction cannot take a Bulwark call: its status is " + status
                        + (status == Status.STATUS_MARKED_ROLLBACK ? " (marked for rollback)" : ""));
            BranchXid xid = joined.get(tx);
            if (xid != null) return xid;
            if (!tx.enlistResource(resource)) throw new IllegalStateException("the JTA transaction refused to enlist the Bulwark store");
            xid = resource.associated();   // enlistResource called start on this thread
            if (xid == null) throw new IllegalStateException("the transaction manager enlisted the Bulwark store without starting a branch");
            joined.put(tx, xid);
            tx.registerSynchronization(new Synchronization() {
                @Override public void beforeCompletion() { }

                @Override public void afterCompletion(int s) { joined.remove(tx); }
            });
            return xid;
        } catch (RollbackException e) {
            throw new IllegalStateException("the JTA transaction is marked for rollback: the Bulwark store cannot join it", e);
        } catch (SystemException e) {
            throw new IllegalStateException("the transaction manager failed: " + e.getMessage(), e);
        }
    }
}
