package io.bulwark.bft.sim.adversary;

import io.bulwark.bft.msg.ViewChange;
import io.bulwark.bft.msg.ViewChange.CheckpointRef;
import io.bulwark.bft.msg.ViewChange.DigestView;
import io.bulwark.bft.msg.ViewChange.PrePreparedEntry;
import io.bulwark.bft.msg.ViewChange.PreparedEntry;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.SplittableRandom;
import java.util.TreeMap;
import java.util.function.Consumer;

/**
 * A replica whose VIEW-CHANGE messages lie about what it knows (section 4.5): it omits requests
 * that did prepare at it (each P entry, with its Q entry, dropped with probability 1/2), claims
 * requests prepared that never were (one to three sequence numbers above its stable checkpoint,
 * with a false digest in the previous view, in P and in Q, the same at every liar), and claims a
 * checkpoint it does not have. A correct new primary must not select any of it, and must still
 * pick every request that prepared at a correct replica.
 */
public final class LyingViewChange implements ReplicaBehaviour {
    private final SplittableRandom rnd;

    public LyingViewChange(SplittableRandom rnd) { this.rnd = rnd; }

    @Override public void outgoing(Outgoing o, ReplicaContext ctx, Consumer<Outgoing> next) {
        if (o.message() instanceof ViewChange vc) next.accept(o.withMessage(lie(vc, ctx.config().checkpointInterval(), ctx.config().logSize())));
        else next.accept(o);
    }

    ViewChange lie(ViewChange vc, int k, int logSize) {
        TreeMap<Long, PreparedEntry> p = new TreeMap<>();
        TreeMap<Long, PrePreparedEntry> q = new TreeMap<>();
        for (PreparedEntry e : vc.prepared()) p.put(e.seq(), e);
        for (PrePreparedEntry e : vc.prePrepared()) q.put(e.seq(), e);
        for (Long seq : new ArrayList<>(p.keySet())) {
            if (rnd.nextBoolean()) { p.remove(seq); q.remove(seq); }
        }
        long prior = Math.max(0, vc.view() - 1);
        int fakes = 1 + rnd.nextInt(3);
        for (int i = 0; i < fakes; i++) {
            long seq = vc.stableSeq() + 1 + rnd.nextInt(Math.max(1, Math.min(logSize, 4 * k)));
            var d = Lies.digest("prepared", vc.view(), seq);
            p.put(seq, new PreparedEntry(seq, d, prior));
            List<DigestView> entries = new ArrayList<>();
            PrePreparedEntry old = q.get(seq);
            if (old != null) for (DigestView dv : old.entries()) if (!dv.digest().equals(d) && entries.size() < 1) entries.add(dv);
            entries.add(new DigestView(d, prior));
            q.put(seq, new PrePreparedEntry(seq, List.copyOf(entries)));
        }
        List<CheckpointRef> checkpoints = new ArrayList<>(vc.checkpoints());
        long fakeCheckpoint = vc.stableSeq() + k;
        if (checkpoints.stream().noneMatch(c -> c.seq() == fakeCheckpoint)) {
            checkpoints.add(new CheckpointRef(fakeCheckpoint, Lies.digest("checkpoint", fakeCheckpoint)));
            checkpoints.sort(Comparator.comparingLong(CheckpointRef::seq));
        }
        return new ViewChange(vc.view(), vc.replica(), vc.stableSeq(), List.copyOf(checkpoints),
                List.copyOf(p.values()), List.copyOf(q.values()));
    }
}
