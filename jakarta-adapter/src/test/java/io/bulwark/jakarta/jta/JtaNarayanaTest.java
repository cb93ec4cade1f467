package io.bulwark.jakarta.jta;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.arjuna.ats.arjuna.common.ObjectStoreEnvironmentBean;
import com.arjuna.ats.arjuna.common.RecoveryEnvironmentBean;
import com.arjuna.ats.arjuna.common.arjPropertyManager;
import com.arjuna.ats.arjuna.recovery.RecoveryManager;
import com.arjuna.ats.internal.arjuna.recovery.AtomicActionRecoveryModule;
import com.arjuna.ats.internal.jta.recovery.arjunacore.JTANodeNameXAResourceOrphanFilter;
import com.arjuna.ats.internal.jta.recovery.arjunacore.JTATransactionLogXAResourceOrphanFilter;
import com.arjuna.ats.internal.jta.recovery.arjunacore.XARecoveryModule;
import com.arjuna.ats.jta.common.JTAEnvironmentBean;
import com.arjuna.ats.jta.recovery.XAResourceRecoveryHelper;
import io.bulwark.bft.testkit.Await;
import java.time.Duration;
import com.arjuna.common.internal.util.propertyservice.BeanPopulator;
import io.bulwark.jakarta.client.BulwarkClient;
import io.bulwark.jakarta.example.Todo;
import io.bulwark.jakarta.example.TodoService;
import io.bulwark.jakarta.fixtures.TodoGroup;
import io.bulwark.store.EntityLockedException;
import io.bulwark.store.NotFoundException;
import io.bulwark.store.xa.BranchXid;
import jakarta.transaction.RollbackException;
import jakarta.transaction.Transaction;
import jakarta.transaction.TransactionManager;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.Arrays;
import java.util.List;
import javax.sql.XAConnection;
import javax.transaction.xa.XAResource;
import javax.transaction.xa.Xid;
import org.h2.jdbcx.JdbcDataSource;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The store in JTA transactions run by Narayana standalone (7.3.4), against four loopback replicas: a
 * store write commits with a write to H2 (its XA data source), both roll back when either fails, and a
 * branch prepared when the transaction manager "crashes" is found by recover and completed.
 */
@Timeout(240)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class JtaNarayanaTest {
    private TodoGroup g;
    private TransactionManager tm;
    private TodoService alice, bob;
    private BulwarkClient aliceClient;
    private io.bulwark.bft.node.BftClient aliceLink;
    private JdbcDataSource h2;

    @BeforeAll
    void start(@TempDir Path dir) throws Exception {
        String store = dir.resolve("narayana").toString();
        BeanPopulator.getDefaultInstance(ObjectStoreEnvironmentBean.class).setObjectStoreDir(store);
        BeanPopulator.getNamedInstance(ObjectStoreEnvironmentBean.class, "communicationStore").setObjectStoreDir(store);
        BeanPopulator.getNamedInstance(ObjectStoreEnvironmentBean.class, "stateStore").setObjectStoreDir(store);
        arjPropertyManager.getCoreEnvironmentBean().setNodeIdentifier("bulwark-test");
        // Recovery driven by the test (scan()), with the modules a server runs: the log's transactions, then XA resources.
        RecoveryEnvironmentBean recovery = BeanPopulator.getDefaultInstance(RecoveryEnvironmentBean.class);
        recovery.setRecoveryModuleClassNames(List.of(AtomicActionRecoveryModule.class.getName(), XARecoveryModule.class.getName()));
        recovery.setExpiryScannerClassNames(List.of());
        recovery.setRecoveryBackoffPeriod(1);
        JTAEnvironmentBean jta = BeanPopulator.getDefaultInstance(JTAEnvironmentBean.class);
        jta.setXaRecoveryNodes(List.of("bulwark-test"));
        jta.setXaResourceOrphanFilterClassNames(List.of(JTATransactionLogXAResourceOrphanFilter.class.getName(),
                JTANodeNameXAResourceOrphanFilter.class.getName()));
        tm = com.arjuna.ats.jta.TransactionManager.transactionManager();
        g = new TodoGroup(dir.resolve("group"));
        aliceLink = g.group.client(TodoGroup.ALICE);
        aliceClient = BulwarkClient.over(aliceLink, TodoGroup.WAIT).joinTransactionsOf(tm);
        alice = aliceClient.proxy(TodoService.class);
        bob = BulwarkClient.over(g.group.client(TodoGroup.BOB), TodoGroup.WAIT).joinTransactionsOf(tm).proxy(TodoService.class);
        h2 = new JdbcDataSource();
        h2.setURL("jdbc:h2:mem:jta;DB_CLOSE_DELAY=-1");
        try (Connection c = h2.getConnection(); Statement s = c.createStatement()) {
            s.execute("create table audit(note varchar(100))");
        }
    }

    @AfterAll
    void stop() {
        if (g != null) g.close();
    }

    private int auditRows(String note) throws Exception {
        try (Connection c = h2.getConnection(); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("select count(*) from audit where note = '" + note + "'")) {
            rs.next();
            return rs.getInt(1);
        }
    }

    /** H2 joins the current transaction and gets a row, on an XA connection closed after completion. */
    private XAConnection writeAudit(String note) throws Exception {
        XAConnection xc = h2.getXAConnection();
        assertTrue(tm.getTransaction().enlistResource(xc.getXAResource()));
        try (Statement s = xc.getConnection().createStatement()) {
            s.executeUpdate("insert into audit(note) values ('" + note + "')");
        }
        return xc;
    }

    @Test
    void aStoreWriteCommitsTogetherWithADatabaseWrite() throws Exception {
        tm.begin();
        XAConnection xc = writeAudit("added");
        long id = alice.add("in a transaction");
        assertEquals("in a transaction", alice.get(id).title, "a read inside the transaction sees its own write");
        Transaction tx = tm.suspend();
        assertThrows(NotFoundException.class, () -> alice.get(id), "outside the transaction, nothing is there yet");
        tm.resume(tx);
        tm.commit();
        xc.close();
        assertEquals("in a transaction", alice.get(id).title);
        assertEquals(1, auditRows("added"));
    }

    @Test
    void bothRollBackWhenTheOtherResourceVotesNo() throws Exception {
        VotingResource no = new VotingResource(true);
        tm.begin();
        long id = bob.add("never stored");
        assertTrue(tm.getTransaction().enlistResource(no));
        assertThrows(RollbackException.class, () -> tm.commit());
        assertTrue(no.events.contains("prepare"), no.events.toString());
        assertThrows(NotFoundException.class, () -> bob.get(id));
        assertTrue(bob.mine().stream().noneMatch(t -> t.title.equals("never stored")));
    }

    @Test
    void bothRollBackWhenTheStoreCannotPrepare() throws Exception {
        long id = bob.add("contested");
        tm.begin();
        XAConnection xc = writeAudit("contested");
        assertTrue(bob.complete(id).done);
        Transaction tx = tm.suspend();
        Todo copy = bob.get(id);
        copy.title = "renamed meanwhile";
        bob.rename(copy);   // changes what the branch's complete() read: its result no longer holds
        tm.resume(tx);
        assertThrows(RollbackException.class, () -> tm.commit(), "the store's prepare votes rollback");
        xc.close();
        assertEquals(0, auditRows("contested"), "the database write is rolled back with it");
        assertFalse(bob.get(id).done);
        assertEquals("renamed meanwhile", bob.get(id).title);
        bob.complete(id);   // leaves bob's open todos for the other tests
    }

    @Test
    void onePhaseAndReadOnlyTransactions() throws Exception {
        tm.begin();
        long id = alice.add("alone");   // the only resource: committed in one phase
        tm.commit();
        assertEquals("alone", alice.get(id).title);
        alice.complete(id);
        tm.begin();
        long count = alice.count();   // a read-only branch
        tm.commit();
        assertTrue(count > 0);
    }

    @Test
    void narayanasRecoveryCompletesABranchWhoseCommitWasLost() throws Exception {
        long id = alice.add("lost commit");
        // A client whose calls follow the branch the manager starts on the thread (no JTA lookup of its own).
        BulwarkClient byHand = BulwarkClient.over(aliceLink, TodoGroup.WAIT).withoutTransactions();
        TodoService mine = byHand.proxy(TodoService.class);
        LosesFirstCommit store = new LosesFirstCommit(byHand.xaResource());
        VotingResource other = new VotingResource(false);
        tm.begin();
        assertTrue(tm.getTransaction().enlistResource(store));
        assertTrue(mine.complete(id).done);
        assertTrue(tm.getTransaction().enlistResource(other));
        try {
            tm.commit();   // both prepare and the decision is logged; the store's commit never arrives
        } catch (Exception reported) {
            // Narayana may report the unfinished participant (a heuristic outcome); recovery finishes it either way
        }
        assertTrue(store.lost, "the commit was lost");
        assertTrue(other.events.contains("commit"), other.events.toString());
        assertFalse(alice.get(id).done, "the store's branch is prepared, not committed");

        // Recovery, as after a restart: the helper gives a new resource of the same identity, which knows nothing.
        XAResource fresh = BulwarkClient.over(aliceLink, TodoGroup.WAIT).xaResource();
        XAResourceRecoveryHelper helper = new XAResourceRecoveryHelper() {
            @Override public boolean initialise(String p) { return true; }

            @Override public XAResource[] getXAResources() { return new XAResource[] {fresh}; }
        };
        RecoveryManager manager = RecoveryManager.manager(RecoveryManager.DIRECT_MANAGEMENT);
        XARecoveryModule module = XARecoveryModule.getRegisteredXARecoveryModule();
        module.addXAResourceRecoveryHelper(helper);
        try {
            Await.until("Narayana's recovery commits the branch", Duration.ofSeconds(60), () -> {
                manager.scan();
                try {
                    return fresh.recover(XAResource.TMSTARTRSCAN | XAResource.TMENDRSCAN).length == 0;
                } catch (javax.transaction.xa.XAException e) {
                    throw new IllegalStateException(e);
                }
            });
        } finally {
            module.removeXAResourceRecoveryHelper(helper);
        }
        assertTrue(alice.get(id).done, "recovery committed the branch");
    }

    /** The store's resource, except that its first commit is lost on the way (as if the manager crashed before it). */
    private static final class LosesFirstCommit implements XAResource {
        private final XAResource store;
        volatile boolean lost;

        LosesFirstCommit(XAResource store) { this.store = store; }

        @Override public void commit(Xid xid, boolean onePhase) throws javax.transaction.xa.XAException {
            if (!lost) {
                lost = true;
                throw new javax.transaction.xa.XAException(javax.transaction.xa.XAException.XAER_RMFAIL);
            }
            store.commit(xid, onePhase);
        }

        @Override public void end(Xid xid, int flags) throws javax.transaction.xa.XAException { store.end(xid, flags); }

        @Override public void forget(Xid xid) throws javax.transaction.xa.XAException { store.forget(xid); }

        @Override public int getTransactionTimeout() throws javax.transaction.xa.XAException { return store.getTransactionTimeout(); }

        @Override public boolean isSameRM(XAResource other) { return other == this; }

        @Override public int prepare(Xid xid) throws javax.transaction.xa.XAException { return store.prepare(xid); }

        @Override public Xid[] recover(int flag) throws javax.transaction.xa.XAException { return store.recover(flag); }

        @Override public void rollback(Xid xid) throws javax.transaction.xa.XAException { store.rollback(xid); }

        @Override public boolean setTransactionTimeout(int seconds) throws javax.transaction.xa.XAException { return store.setTransactionTimeout(seconds); }

        @Override public void start(Xid xid, int flags) throws javax.transaction.xa.XAException { store.start(xid, flags); }
    }

    @Test
    void aBranchPreparedBeforeTheTransactionManagerCrashesIsRecoveredAndCommitted() throws Exception {
        long id = alice.add("recover me");
        // The transaction manager's part, driven by hand so that it can stop between prepare and commit.
        XAResource xa = aliceClient.xaResource();
        Xid xid = new BranchXid(0x1234, "crash-test".getBytes(StandardCharsets.US_ASCII), new byte[] {1});
        xa.start(xid, XAResource.TMNOFLAGS);
        assertTrue(alice.complete(id).done);
        xa.end(xid, XAResource.TMSUCCESS);
        assertEquals(XAResource.XA_OK, xa.prepare(xid));

        // Prepared: the branch holds the todo against other writes.
        Todo copy = alice.get(id);
        copy.title = "conflicting";
        assertInstanceOf(EntityLockedException.class, assertThrows(EntityLockedException.class, () -> alice.rename(copy)));
        assertFalse(alice.get(id).done, "not committed yet");

        // The manager "crashes": a new one, with a new Bulwark client (and so a new resource, which knows nothing of the
        // branch) of the same identity, finds the branch and commits it. The engine's connection is reused: two engine
        // clients of one id at once would have their requests' timestamps collide, as two processes would.
        XAResource after = BulwarkClient.over(aliceLink, TodoGroup.WAIT).xaResource();
        List<Xid> inDoubt = Arrays.asList(after.recover(XAResource.TMSTARTRSCAN | XAResource.TMENDRSCAN));
        assertEquals(List.of(BranchXid.of(xid)), inDoubt);
        after.commit(inDoubt.get(0), false);
        assertTrue(alice.get(id).done, "recovery completed the branch");
        assertEquals(0, after.recover(XAResource.TMSTARTRSCAN | XAResource.TMENDRSCAN).length);
    }
}
