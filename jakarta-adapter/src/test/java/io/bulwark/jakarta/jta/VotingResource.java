package io.bulwark.jakarta.jta;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import javax.transaction.xa.XAException;
import javax.transaction.xa.XAResource;
import javax.transaction.xa.Xid;

/** A second XA resource for the tests: records what the transaction manager asked, and votes as told at prepare. */
final class VotingResource implements XAResource {
    final List<String> events = new CopyOnWriteArrayList<>();
    private final boolean voteRollback;

    VotingResource(boolean voteRollback) { this.voteRollback = voteRollback; }

    @Override public void start(Xid xid, int flags) { events.add("start"); }

    @Override public void end(Xid xid, int flags) { events.add("end"); }

    @Override public int prepare(Xid xid) throws XAException {
        events.add("prepare");
        if (voteRollback) throw new XAException(XAException.XA_RBROLLBACK);
        return XA_OK;
    }

    @Override public void commit(Xid xid, boolean onePhase) { events.add(onePhase ? "commit1" : "commit"); }

    @Override public void rollback(Xid xid) { events.add("rollback"); }

    @Override public void forget(Xid xid) { events.add("forget"); }

    @Override public Xid[] recover(int flag) { return new Xid[0]; }

    @Override public boolean isSameRM(XAResource other) { return other == this; }

    @Override public int getTransactionTimeout() { return 0; }

    @Override public boolean setTransactionTimeout(int seconds) { return false; }
}
