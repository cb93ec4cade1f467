package io.bulwark.bft.sim.adversary;

import io.bulwark.bft.msg.Commit;
import io.bulwark.bft.msg.MessageCodec;
import io.bulwark.bft.msg.NewView;
import io.bulwark.bft.msg.Reply;
import io.bulwark.bft.msg.ViewChange;
import io.bulwark.bft.msg.ViewChangeAck;
import java.nio.ByteBuffer;
import java.util.HashMap;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.function.Consumer;

/**
 * Up to f faulty replicas under one brain (issue 21): the same behaviour on every member and the
 * same choices, made once per view for all of them, so that their lies match and their silences
 * line up. Per view the brain picks one favoured correct replica and a set of receivers:
 * <ul>
 *   <li>replies carry one false result, the same at every member (f matching lies: a client must
 *       still wait for f+1, section 4.2);</li>
 *   <li>COMMITs go to the favoured replica only (it alone may commit: partial delivery);</li>
 *   <li>VIEW-CHANGEs are empty (nothing prepared or pre-prepared claimed) half of the time, and go
 *       to the chosen receivers only; VIEW-CHANGE-ACKs vouch only for the chosen senders' view-changes;
 *       a member that is the new primary sends its NEW-VIEW to the chosen receivers only (section 4.5:
 *       a new primary must decide from 2f+1 view-changes whatever f of them say, and backups that
 *       miss a NEW-VIEW time out and move on);</li>
 *   <li>false accusations: every member sends AUTH-FAILURE for each correct client's request it
 *       executes as a backup (f matching complaints, one short of quarantining a client);</li>
 *   <li>coordinated equivocation, when the view-0 primary is a member: it sends two versions of each
 *       batch to two groups of backups, and every faulty backup prepares and commits both, each to
 *       the group that got it — the most support a version can have without a correct replica
 *       changing its mind; quorum intersection (2f+1 of 3f+1) must still keep the two from both
 *       committing.</li>
 * </ul>
 */
public final class Conspiracy implements ReplicaBehaviour {
    private record Choice(int favoured, long receivers, long vouchFor, boolean empty) {}

    private final int n;
    private final long members;
    private final SplittableRandom rnd;
    private final boolean lies;
    private final Map<Long, Choice> choices = new HashMap<>();
    /** Coordinated equivocation: per (view 0) sequence number, the two versions' digests; the backups of groupB get the second. */
    private final EquivocatingPrimary equivocation;
    private final long groupB;
    private final Map<Long, io.bulwark.bft.crypto.Digest[]> versions = new HashMap<>();
    /** Messages changed, redirected or withheld. */
    public long actions;

    public Conspiracy(int n, long members, boolean lies, SplittableRandom rnd) {
        this.groupB = (members & 1) != 0 ? EquivocatingPrimary.randomSplit(n, 0, rnd) : 0;
        this.equivocation = (members & 1) != 0 ? new EquivocatingPrimary(groupB, rnd.split()) : null;
        this.n = n;
        this.members = members;
        this.lies = lies;
        this.rnd = rnd;
    }

    public long members() { return members; }

    private Choice choice(long view) {
        return choices.computeIfAbsent(view, v -> {
            int favoured;
            do favoured = rnd.nextInt(n); while ((members & (1L << favoured)) != 0);
            long receivers = members, vouch = members;
            for (int j = 0; j < n; j++) {
                if (rnd.nextBoolean()) receivers |= 1L << j;
                if (rnd.nextBoolean()) vouch |= 1L << j;
            }
            return new Choice(favoured, receivers | (1L << favoured), vouch, rnd.nextBoolean());
        });
    }

    /** A faulty backup's PREPARE or COMMIT of view 0 for an equivocated number: one for each version, to its group. */
    private boolean bothVersions(Outgoing o, Consumer<Outgoing> next) {
        long view, seq;
        int replica;
        boolean commit = o.message() instanceof Commit;
        if (o.message() instanceof io.bulwark.bft.msg.Prepare p) { view = p.view(); seq = p.seq(); replica = p.replica(); }
        else if (o.message() instanceof Commit c) { view = c.view(); seq = c.seq(); replica = c.replica(); }
        else return false;
        var v = versions.get(seq);
        if (view != 0 || v == null || v[0] == null || v[1] == null || !o.isMulticast()) return false;
        actions++;
        for (int g = 0; g < 2; g++) {
            long to = o.replicas() & (g == 0 ? ~groupB : groupB);
            if (to == 0) continue;
            var msg = commit ? new Commit(view, seq, v[g], replica) : new io.bulwark.bft.msg.Prepare(view, seq, v[g], replica);
            next.accept(o.withMessage(msg).withReplicas(to));
        }
        return true;
    }

    @Override public void outgoing(Outgoing o, ReplicaContext ctx, Consumer<Outgoing> next) {
        var m = o.message();
        if (equivocation != null && ctx.self() == 0 && ctx.view() == 0) {
            // The primary member equivocates; the brain notes both versions for the faulty backups.
            equivocation.outgoing(o, ctx, out -> {
                if (out.message() instanceof io.bulwark.bft.msg.PrePrepare pp && pp.view() == 0) {
                    var v = versions.computeIfAbsent(pp.seq(), k -> new io.bulwark.bft.crypto.Digest[2]);
                    int g = out.isMulticast() ? ((out.replicas() & ~groupB) == 0 ? 1 : 0)
                            : (out.to() < 64 && (groupB & (1L << out.to())) != 0 ? 1 : 0);
                    v[g] = pp.digest();
                }
                next.accept(out);
            });
            return;
        }
        if (equivocation != null && ctx.self() != 0 && bothVersions(o, next)) return;
        if (m instanceof Reply r && !r.readOnly() && !ctx.isPrimary()) {
            // False accusations (issue 17, item 4: the quarantine's count): every member tells every
            // replica that this correct client's request failed to authenticate here. f complainers
            // are one short of the f+1 that quarantine a client (ClientQuarantine), so correct clients
            // must keep being served.
            actions++;
            next.accept(Outgoing.multicast(new io.bulwark.bft.msg.AuthFailure(ctx.self(), ctx.view(), 0, r.client(), r.timestamp()), n));
        }
        if (m instanceof Reply r && lies) {
            actions++;
            byte[] lie = ByteBuffer.allocate(9).put((byte) 1).putLong(0x5EED_0000_0000L ^ ((long) r.client() << 20) ^ r.timestamp()).array();
            byte[] body = r.digestOnly() ? MessageCodec.resultDigest(lie).bytes() : lie;
            next.accept(o.withMessage(new Reply(r.view(), r.timestamp(), r.client(), r.replica(), r.readOnly(), r.digestOnly(), body)));
        } else if (m instanceof Commit c) {
            Choice ch = choice(c.view());
            actions++;
            if (o.isMulticast()) next.accept(o.withReplicas(o.replicas() & ((1L << ch.favoured()) | members)));
            else if (o.reaches(ch.favoured())) next.accept(o);
        } else if (m instanceof ViewChange vc) {
            Choice ch = choice(vc.view());
            actions++;
            ViewChange out = ch.empty() ? new ViewChange(vc.view(), vc.replica(), vc.stableSeq(), vc.checkpoints(), java.util.List.of(), java.util.List.of()) : vc;
            if (o.isMulticast()) next.accept(o.withMessage(out).withReplicas(o.replicas() & ch.receivers()));
            else next.accept(o.withMessage(out));
        } else if (m instanceof ViewChangeAck a) {
            if ((choice(a.view()).vouchFor() & (1L << a.viewChangeSender())) != 0) next.accept(o);
            else actions++;
        } else if (m instanceof NewView nv && o.isMulticast()) {
            actions++;
            next.accept(o.withReplicas(o.replicas() & choice(nv.view()).receivers()));
        } else {
            next.accept(o);
        }
    }
}
