package io.bulwark.bft.sim.adversary;

import io.bulwark.bft.crypto.Digest;
import io.bulwark.bft.msg.NewView;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.function.Consumer;

/**
 * A new primary whose NEW-VIEW announces a decision that does not follow from the view-changes it
 * names (section 4.5, Figure 3): a selected request replaced by one nobody proposed, a selected
 * request replaced by the null request (dropping what may have committed), extra requests after
 * the last decided sequence number, a starting checkpoint with a false digest, or one
 * view-change left out of V. Correct backups must reject it (and move on to the next view).
 */
public final class WrongNewView implements ReplicaBehaviour {
    private final SplittableRandom rnd;

    public WrongNewView(SplittableRandom rnd) { this.rnd = rnd; }

    @Override public void outgoing(Outgoing o, ReplicaContext ctx, Consumer<Outgoing> next) {
        if (o.message() instanceof NewView nv) next.accept(o.withMessage(lie(nv, ctx.config().checkpointInterval())));
        else next.accept(o);
    }

    NewView lie(NewView nv, int k) {
        List<Digest> selected = new ArrayList<>(nv.selected());
        List<NewView.ViewChangeRef> refs = new ArrayList<>(nv.viewChanges());
        long cpSeq = nv.checkpointSeq();
        Digest cpDigest = nv.checkpointDigest();
        int kind = rnd.nextInt(5);
        List<Integer> nonNull = new ArrayList<>(), nulls = new ArrayList<>();
        for (int i = 0; i < selected.size(); i++) (selected.get(i).equals(NewView.NULL_REQUEST) ? nulls : nonNull).add(i);
        if (kind == 0 && !selected.isEmpty()) {
            int i = rnd.nextInt(selected.size());
            selected.set(i, Lies.digest("selected", nv.view(), cpSeq + 1 + i));
        } else if (kind == 1 && !nonNull.isEmpty()) {
            selected.set(nonNull.get(rnd.nextInt(nonNull.size())), NewView.NULL_REQUEST);
        } else if (kind == 2 && refs.size() > 1) {
            refs.remove(rnd.nextInt(refs.size()));
        } else if (kind == 3) {
            cpDigest = Lies.digest("checkpoint", cpSeq);
        } else {
            int extra = 1 + rnd.nextInt(2);
            for (int i = 0; i < extra; i++) selected.add(Lies.digest("selected", nv.view(), cpSeq + 1 + selected.size()));
        }
        return new NewView(nv.view(), List.copyOf(refs), cpSeq, cpDigest, List.copyOf(selected));
    }
}
