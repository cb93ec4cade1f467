package io.bulwark.store.client;

import io.bulwark.bft.node.Invoker;
import io.bulwark.store.StoreException;
import io.bulwark.store.XaBranchException;
import io.bulwark.store.codec.DeterministicCodec;
import io.bulwark.store.xa.BranchContext;
import io.bulwark.store.xa.BranchXid;
import io.bulwark.store.xa.XaLimits;
import io.bulwark.store.xa.XaVerbs;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import javax.transaction.xa.XAException;
import javax.transaction.xa.XAResource;
import javax.transaction.xa.Xid;

/**
 * The store as an {@link XAResource} for one BFT client identity: prepare, commit (two-phase and
 * one-phase), rollback, recover and forget are each one ordered BFT request, answered by the replicas
 * from the branches in their replicated state ({@link io.bulwark.store.xa.XaExecutor}); calls made by a thread while a branch
 * is associated with it ({@link #start} to {@link #end}) join the branch, through every
 * {@link StoreClient} built with this resource as its {@link BranchContext}.
 * <p>
 * Branches belong to the client id the replicas authenticate: {@link #recover} after a restart of the
 * transaction manager returns the prepared and heuristically completed Xids of this client id only, so a
 * recovering transaction manager must use the same client identity (its key). A call inside a branch that
 * got no certified answer (the group unreachable) may or may not be recorded while its caller saw it
 * fail: such a branch is rolled back at prepare ({@code XA_RBCOMMFAIL}).
 * <p>
 * Thread-safe: the association is per thread. {@link #isSameRM} is true only for this instance.
 */
public final class StoreXAResource implements XAResource, BranchContext {
    private final StoreClient verbs;
    /** Set by start, cleared by end: the transaction manager's association of a branch with the thread. */
    private final ThreadLocal<BranchXid> association = new ThreadLocal<>();
    /** Set for the length of one call by {@link #within}: overrides the association (a one-element array; null element: no branch). */
    private final ThreadLocal<BranchXid[]> scoped = new ThreadLocal<>();
    private final Set<BranchXid> inDoubt = ConcurrentHashMap.newKeySet();
    /**
     * Branches started here and not yet completed. The replicas create a branch at its first recorded call, so
     * one of these they do not know had no call recorded (none was made, or each failed): nothing to commit.
     */
    private final Set<BranchXid> started = ConcurrentHashMap.newKeySet();
    private volatile int timeoutSeconds;

    /** The resource of the client {@code engine} authenticates as; {@code timeout} bounds each verb's wait. */
    public StoreXAResource(Invoker engine, Duration timeout) {
        // The verbs carry only byte arrays and integers: the codec of no application class is needed.
        this.verbs = new StoreClient(Objects.requireNonNull(engine, "engine"), DeterministicCodec.builder().build(), timeout);
    }

    // ---- association (BranchContext)

    @Override public BranchXid current() {
        BranchXid[] s = scoped.get();
        return s != null ? s[0] : association.get();
    }

    /** The branch the transaction manager last started on this thread and has not ended, or null. */
    public BranchXid associated() { return association.get(); }

    /** A call run by {@link #within}. */
    @FunctionalInterface
    public interface Call<T> {
        T run() throws Throwable;
    }

    /**
     * Runs {@code call} with its store calls inside branch {@code xid} (null: outside any branch), whatever
     * the thread's association: a transaction manager need not end the association when it suspends a
     * transaction, so the caller that knows the thread's transaction says which branch a call belongs to.
     */
    public <T> T within(BranchXid xid, Call<T> call) throws Throwable {
        BranchXid[] before = scoped.get();
        scoped.set(new BranchXid[] {xid});
        try {
            return call.run();
        } finally {
            if (before == null) scoped.remove();
            else scoped.set(before);
        }
    }

    @Override public void inDoubt(BranchXid xid) { inDoubt.add(xid); }

    @Override
    public void start(Xid xid, int flags) throws XAException {
        BranchXid x = BranchXid.of(xid);
        if (flags != TMNOFLAGS && flags != TMJOIN && flags != TMRESUME) throw xa(XAException.XAER_INVAL, "start flags " + flags);
        association.set(x);   // replaces a branch whose transaction was suspended without an end
        started.add(x);
    }

    @Override
    public void end(Xid xid, int flags) throws XAException {
        BranchXid x = BranchXid.of(xid);
        if (flags != TMSUCCESS && flags != TMFAIL && flags != TMSUSPEND) throw xa(XAException.XAER_INVAL, "end flags " + flags);
        if (x.equals(association.get())) association.remove();
        if (flags == TMFAIL) inDoubt.add(x);   // the application failed the branch: it must not commit
    }

    // ---- the verbs

    @Override
    public int prepare(Xid xid) throws XAException {
        BranchXid x = BranchXid.of(xid);
        if (inDoubt.remove(x)) {
            started.remove(x);
            rollbackQuietly(x);
            throw xa(XAException.XA_RBCOMMFAIL, "a call inside branch " + x + " got no certified answer (or the branch was failed): it is rolled back");
        }
        Integer vote;
        try {
            vote = verb(XaVerbs.PREPARE, Integer.class, x);
        } catch (XAException e) {
            if (e.errorCode == XAException.XAER_NOTA && started.remove(x)) return XA_RDONLY;   // no call recorded
            throw e;
        } finally {
            started.remove(x);
        }
        if (vote == null || vote != XA_OK && vote != XA_RDONLY) throw xa(XAException.XAER_RMERR, "the replicas answered prepare with " + vote);
        return vote;
    }

    @Override
    public void commit(Xid xid, boolean onePhase) throws XAException {
        BranchXid x = BranchXid.of(xid);
        if (onePhase && inDoubt.remove(x)) {
            started.remove(x);
            rollbackQuietly(x);
            throw xa(XAException.XA_RBCOMMFAIL, "a call inside branch " + x + " got no certified answer (or the branch was failed): it is rolled back");
        }
        try {
            verb(onePhase ? XaVerbs.COMMIT_ONE_PHASE : XaVerbs.COMMIT, Void.class, x);
        } catch (XAException e) {
            if (!(onePhase && e.errorCode == XAException.XAER_NOTA && started.contains(x))) throw e;   // no call recorded: nothing to commit
        } finally {
            started.remove(x);
        }
    }

    @Override
    public void rollback(Xid xid) throws XAException {
        BranchXid x = BranchXid.of(xid);
        inDoubt.remove(x);
        try {
            verb(XaVerbs.ROLLBACK, Void.class, x);
        } catch (XAException e) {
            if (!(e.errorCode == XAException.XAER_NOTA && started.contains(x))) throw e;   // no call recorded: nothing to undo
        } finally {
            started.remove(x);
        }
    }

    @Override
    public void forget(Xid xid) throws XAException {
        verb(XaVerbs.FORGET, Void.class, BranchXid.of(xid));
    }

    /** Every prepared and heuristically completed branch of this client, at the start of a scan; nothing more at its end. */
    @Override
    public Xid[] recover(int flag) throws XAException {
        if ((flag & ~(TMSTARTRSCAN | TMENDRSCAN)) != 0) throw xa(XAException.XAER_INVAL, "recover flags " + flag);
        if ((flag & TMSTARTRSCAN) == 0) return new Xid[0];
        byte[] answer = verb(XaVerbs.RECOVER, byte[].class, null);
        List<BranchXid> xids = XaVerbs.decodeXids(answer);
        return xids.toArray(new Xid[0]);
    }

    @Override public boolean isSameRM(XAResource other) { return other == this; }

    @Override public int getTransactionTimeout() { return timeoutSeconds; }

    /** Recorded only: the replicas bound every branch by the store's own agreed-time limit ({@link XaLimits}). */
    @Override public boolean setTransactionTimeout(int seconds) throws XAException {
        if (seconds < 0) throw xa(XAException.XAER_INVAL, "a negative timeout");
        timeoutSeconds = seconds;
        return false;
    }

    private void rollbackQuietly(BranchXid x) {
        try {
            verb(XaVerbs.ROLLBACK, Void.class, x);
        } catch (XAException ignored) {
            // unknown to the replicas (the call never arrived) or unreachable: the agreed-time bound rolls it back
        }
    }

    private <R> R verb(String verb, Class<R> type, BranchXid x) throws XAException {
        try {
            return x == null ? verbs.invoke(verb, type) : verbs.invoke(verb, type, (Object) x.encode());
        } catch (XaBranchException e) {
            throw xa(e.errorCode(), e.getMessage(), e);
        } catch (GroupUnavailableException e) {
            throw xa(XAException.XAER_RMFAIL, verb + ": " + e.getMessage(), e);
        } catch (StoreException e) {
            throw xa(XAException.XAER_RMERR, verb + ": " + e.getMessage(), e);
        }
    }

    private static XAException xa(int code, String message) { return xa(code, message, null); }

    private static XAException xa(int code, String message, Throwable cause) {
        XAException e = new XAException(message);
        e.errorCode = code;
        if (cause != null) e.initCause(cause);
        return e;
    }

    @Override public String toString() { return "StoreXAResource[" + verbs + "]"; }
}
