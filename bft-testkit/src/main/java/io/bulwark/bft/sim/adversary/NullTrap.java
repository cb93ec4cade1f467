package io.bulwark.bft.sim.adversary;

import io.bulwark.bft.msg.Commit;
import io.bulwark.bft.msg.Message;
import io.bulwark.bft.msg.NewView;
import io.bulwark.bft.msg.PrePrepare;
import io.bulwark.bft.msg.PrePrepareByDigest;
import io.bulwark.bft.msg.Prepare;
import io.bulwark.bft.msg.ViewChange;
import io.bulwark.bft.msg.ViewChangeAck;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.function.Consumer;

/**
 * Issue 18's adversary: f faulty replicas (replica 0, the view-0 primary, and f-1 others) and the
 * network's timing under one brain, steering two consecutive view changes towards a committed null
 * request that the second NEW-VIEW may drop (section 4.5, Figure 3: a number whose request committed
 * in an earlier view keeps that request; only rule B frees a number).
 * <p>
 * View 0: at a random trap number s (a third of the time a checkpoint number, a third of the time
 * just below one: acting at checkpoint boundaries, section 4.3) the faulty primary withholds s and sends its batch for s+1 to
 * the view-1 primary p1 and f other correct replicas B1 only; the other faulty replicas prepare it
 * at p1 alone, and PREPAREs for s+1 reach p1 only, so it prepares at p1 alone. Nothing later is
 * pre-prepared: the backups time out. View 1 (NEW-VIEW: null at s by rule B, the batch at s+1): every
 * message of view 1 above s is held, and the COMMITs for s reach one correct replica X (and the
 * faulty ones) only, so X alone executes the null. View 2: p1's VIEW-CHANGE is held, the faulty
 * replicas send empty VIEW-CHANGEs and acknowledge no view-change of p1, so the view-2 primary
 * decides from view-changes where s prepared (a null, rule A) and nothing above it prepared.
 * A correct engine keeps s's null in the new view; one that drops it as an implied trailing null
 * reuses s for a fresh batch, and X disagrees with the others at s.
 * <p>
 * Delays hold only messages of views 0 and 1 (and p1's view-change for view 2), so once view 2 or a
 * later one is installed the run goes on as any other and must stay live.
 */
public final class NullTrap implements ReplicaBehaviour, MessageScheduler {
    private static final long HELD_US = 30_000_000;
    private final int n;
    private final long members;
    private final int p1, p2;
    private final long b1;
    private final int x;
    private final long armAt;
    /** Where s falls: anywhere (0), on a checkpoint number (1, the null is what a checkpoint covers last), just below one (2). */
    private final int align;
    private final Consumer<Outgoing>[] chains;
    private long trap = -1;
    private boolean commitReachedX, sprung, over;
    /** Steps taken: messages withheld, redirected, held or forged. */
    public long actions;

    @SuppressWarnings("unchecked")
    private NullTrap(int n, long members, long b1, int x, long armAt, int align) {
        this.align = align;
        this.n = n;
        this.members = members;
        this.p1 = 1 % n;
        this.p2 = 2 % n;
        this.b1 = b1;
        this.x = x;
        this.armAt = armAt;
        this.chains = new Consumer[n];
    }

    /** Replica 0 and f-1 random others among 3..n-1 are faulty; B1 and X are drawn among the correct ones. */
    public static NullTrap draw(int f, SplittableRandom rnd) {
        int n = 3 * f + 1;
        long members = 1;
        List<Integer> pool = new ArrayList<>();
        for (int j = 3; j < n; j++) pool.add(j);
        for (int k = 1; k < f; k++) members |= 1L << pool.remove(rnd.nextInt(pool.size()));
        List<Integer> xs = new ArrayList<>();
        for (int j = 3; j < n; j++) if ((members & (1L << j)) == 0) xs.add(j);
        int x = xs.get(rnd.nextInt(xs.size()));
        List<Integer> others = new ArrayList<>();
        for (int j = 2; j < n; j++) if ((members & (1L << j)) == 0) others.add(j);
        long b1 = 0;
        for (int k = 0; k < f; k++) b1 |= 1L << others.remove(rnd.nextInt(others.size()));
        return new NullTrap(n, members, b1, x, 2 + rnd.nextInt(40), rnd.nextInt(3));
    }

    /** The faulty replicas (bit set). */
    public long members() { return members; }

    public boolean sprung() { return sprung; }

    private boolean member(int j) { return j >= 0 && j < n && (members & (1L << j)) != 0; }

    // ---- the faulty replicas ----

    @Override public void outgoing(Outgoing o, ReplicaContext ctx, Consumer<Outgoing> next) {
        int self = ctx.self();
        chains[self] = next;
        Message m = o.message();
        if (m instanceof ViewChange vc && vc.view() <= 2) {
            // Empty view-changes: the faulty replicas claim nothing prepared or pre-prepared.
            actions++;
            next.accept(o.withMessage(new ViewChange(vc.view(), vc.replica(), vc.stableSeq(), vc.checkpoints(), List.of(), List.of())));
            return;
        }
        if (m instanceof ViewChangeAck a && a.view() == 2 && a.viewChangeSender() == p1) { actions++; return; }
        if (m instanceof PrePrepare pp && pp.view() == 0 && self == 0) {
            int k = ctx.config().checkpointInterval();
            if (trap < 0 && pp.seq() >= armAt && (align == 0 || (pp.seq() + align - 1) % k == 0)) trap = pp.seq();
            if (trap < 0 || pp.seq() < trap) { next.accept(o); return; }
            actions++;
            if (pp.seq() != trap) return;   // nothing after the trap is pre-prepared in view 0
            // s is withheld; its batch goes out at s+1, to p1 and B1 only.
            PrePrepare moved = new PrePrepare(0, trap + 1, pp.digest(), pp.nonDet(), pp.batch());
            next.accept(new Outgoing(moved, Outgoing.MULTICAST, (1L << p1) | b1, o.delayUs()));
            for (int j = 1; j < n; j++) {
                if (member(j) && chains[j] != null) chains[j].accept(Outgoing.send(p1, new Prepare(0, trap + 1, pp.digest(), j)));
            }
            return;
        }
        if (trap >= 0 && seqOf(m) >= trap && viewOf(m) == 0) { actions++; return; }
        if (trap >= 0 && m instanceof Commit c && c.view() == 1 && c.seq() == trap) {
            // The faulty replicas' COMMITs for the null at s go to X only.
            actions++;
            if (o.reaches(x)) next.accept(o.isMulticast() ? o.withReplicas(1L << x) : o);
            return;
        }
        next.accept(o);
    }

    // ---- the network ----

    @Override public long delayUs(int from, int to, Message m, long nowUs) {
        if (m instanceof NewView nv && nv.view() >= 2 && !member(from)) {
            if (!over && commitReachedX && nv.view() == 2) sprung = true;
            over = true;
        }
        if (trap < 0) return 0;
        long view = viewOf(m), seq = seqOf(m);
        if (view == 0 && seq >= trap) {
            if (m instanceof Prepare && seq == trap + 1 && to == p1) return 0;
            if ((m instanceof PrePrepare || m instanceof PrePrepareByDigest) && member(from)) return 0;
            return held();
        }
        if (view == 1 && seq > trap) return held();
        if (view == 1 && seq == trap && m instanceof Commit) {
            if (to == x) { commitReachedX = true; return 0; }
            return member(to) ? 0 : held();
        }
        if (m instanceof ViewChange vc && vc.view() == 2 && from == p1) return held();
        return 0;
    }

    private long held() {
        actions++;
        return HELD_US;
    }

    private static long viewOf(Message m) {
        if (m instanceof PrePrepare pp) return pp.view();
        if (m instanceof PrePrepareByDigest pp) return pp.view();
        if (m instanceof Prepare p) return p.view();
        if (m instanceof Commit c) return c.view();
        return -1;
    }

    private static long seqOf(Message m) {
        if (m instanceof PrePrepare pp) return pp.seq();
        if (m instanceof PrePrepareByDigest pp) return pp.seq();
        if (m instanceof Prepare p) return p.seq();
        if (m instanceof Commit c) return c.seq();
        return -1;
    }
}
