package io.bulwark.bft.sim.adversary;

import io.bulwark.bft.core.NonDet;
import io.bulwark.bft.crypto.Digest;
import io.bulwark.bft.msg.Checkpoint;
import io.bulwark.bft.msg.Commit;
import io.bulwark.bft.msg.AuthFailure;
import io.bulwark.bft.msg.FetchBatch;
import io.bulwark.bft.msg.Message;
import io.bulwark.bft.msg.NewView;
import io.bulwark.bft.msg.PrePrepare;
import io.bulwark.bft.msg.Prepare;
import io.bulwark.bft.msg.Reply;
import io.bulwark.bft.msg.Request;
import io.bulwark.bft.msg.Status;
import io.bulwark.bft.msg.ViewChange;
import io.bulwark.bft.msg.ViewChangeAck;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.SplittableRandom;
import java.util.function.Consumer;

/**
 * ByzzFuzz-style small-scope mutations of a replica's own valid messages: with probability
 * {@code rate}, a message goes out with one field changed (a view or sequence number off by one, a
 * digest replaced by one it sent earlier or a fresh one, a batch reordered without fixing its
 * digest, a proposed time moved, a result or status bitmap altered), or is replaced by one of the
 * replica's older messages. The message is still sealed with the replica's keys, so only the
 * protocol's own checks stand between it and the correct replicas. The claimed sender is never
 * changed (the frame layer would refuse to seal it, and a receiver rejects it anyway).
 */
public final class Mutator implements ReplicaBehaviour {
    private final double rate;
    private final SplittableRandom rnd;
    private final List<Message> old = new ArrayList<>();
    private final List<Digest> digests = new ArrayList<>();
    long mutated;

    public Mutator(double rate, SplittableRandom rnd) {
        this.rate = rate;
        this.rnd = rnd;
    }

    public long mutated() { return mutated; }

    @Override public void outgoing(Outgoing o, ReplicaContext ctx, Consumer<Outgoing> next) {
        Message m = o.message();
        if (rnd.nextDouble() >= rate) { remember(m); next.accept(o); return; }
        mutated++;
        if (rnd.nextInt(8) == 0 && !old.isEmpty()) {
            next.accept(o.withMessage(old.get(rnd.nextInt(old.size()))));   // an old message instead
        } else {
            next.accept(o.withMessage(mutate(m, ctx.config().checkpointInterval())));
        }
        remember(m);
    }

    private void remember(Message m) {
        if (m instanceof Request || m instanceof Reply) return;
        if (old.size() < 64) old.add(m);
        else old.set(rnd.nextInt(64), m);
        Digest d = m instanceof Prepare p ? p.digest() : m instanceof Commit c ? c.digest() : m instanceof PrePrepare pp ? pp.digest() : null;
        if (d != null) {
            if (digests.size() < 32) digests.add(d);
            else digests.set(rnd.nextInt(32), d);
        }
    }

    /** A digest other than {@code not}: one this replica sent before, or a fresh one. */
    private Digest otherDigest(Digest not) {
        if (!digests.isEmpty() && rnd.nextBoolean()) {
            Digest d = digests.get(rnd.nextInt(digests.size()));
            if (!d.equals(not)) return d;
        }
        byte[] b = new byte[Digest.LENGTH];
        rnd.nextBytes(b);
        return new Digest(b);
    }

    /** One more or one less, never negative, never {@code x} itself. */
    private long off(long x) { return x == 0 || rnd.nextBoolean() ? x + 1 : x - 1; }

    Message mutate(Message m, int k) {
        int f = rnd.nextInt(3);
        if (m instanceof PrePrepare p) {
            return switch (rnd.nextInt(5)) {
                case 0 -> new PrePrepare(off(p.view()), p.seq(), p.digest(), p.nonDet(), p.batch());
                case 1 -> new PrePrepare(p.view(), off(p.seq()), p.digest(), p.nonDet(), p.batch());
                case 2 -> new PrePrepare(p.view(), p.seq(), otherDigest(p.digest()), p.nonDet(), p.batch());
                case 3 -> new PrePrepare(p.view(), p.seq(), p.digest(), NonDet.encodeTime(NonDet.decodeTime(p.nonDet()) + 1 + rnd.nextInt(10_000)), p.batch());
                default -> {
                    List<Request> b = new ArrayList<>(p.batch());
                    if (b.size() > 1) Collections.reverse(b); else b.add(b.get(0));
                    yield new PrePrepare(p.view(), p.seq(), p.digest(), p.nonDet(), List.copyOf(b));
                }
            };
        }
        if (m instanceof Prepare p) {
            return f == 0 ? new Prepare(off(p.view()), p.seq(), p.digest(), p.replica())
                    : f == 1 ? new Prepare(p.view(), off(p.seq()), p.digest(), p.replica())
                    : new Prepare(p.view(), p.seq(), otherDigest(p.digest()), p.replica());
        }
        if (m instanceof Commit c) {
            return f == 0 ? new Commit(off(c.view()), c.seq(), c.digest(), c.replica())
                    : f == 1 ? new Commit(c.view(), off(c.seq()), c.digest(), c.replica())
                    : new Commit(c.view(), c.seq(), otherDigest(c.digest()), c.replica());
        }
        if (m instanceof Checkpoint c) {
            return f == 0 ? new Checkpoint(c.seq() + k, c.state(), c.replica()) : new Checkpoint(c.seq(), otherDigest(c.state()), c.replica());
        }
        if (m instanceof Reply r) {
            byte[] result = r.result().clone();
            if (result.length > 0) result[rnd.nextInt(result.length)] ^= (byte) (1 + rnd.nextInt(255));
            return f == 0 ? new Reply(off(r.view()), r.timestamp(), r.client(), r.replica(), r.readOnly(), r.digestOnly(), r.result())
                    : f == 1 ? new Reply(r.view(), r.timestamp(), r.client(), r.replica(), !r.readOnly(), r.digestOnly(), r.result())
                    : new Reply(r.view(), r.timestamp(), r.client(), r.replica(), r.readOnly(), r.digestOnly(), result);
        }
        if (m instanceof Status s) {
            long[] prepared = s.prepared().clone(), committed = s.committed().clone();
            for (int i = 0; i < prepared.length; i++) { prepared[i] ^= rnd.nextLong(); committed[i] ^= rnd.nextLong(); }
            return switch (rnd.nextInt(4)) {
                case 0 -> new Status(off(s.view()), s.replica(), s.viewActive(), s.stableSeq(), s.lastExecuted(), s.viewChanges(), s.prepared(), s.committed());
                case 1 -> new Status(s.view(), s.replica(), !s.viewActive(), s.stableSeq(), s.lastExecuted(), rnd.nextLong(), s.prepared(), s.committed());
                case 2 -> new Status(s.view(), s.replica(), s.viewActive(), off(s.stableSeq()) * k, s.lastExecuted() + rnd.nextInt(3 * k + 1) - k,
                        s.viewChanges(), s.prepared(), s.committed());
                default -> new Status(s.view(), s.replica(), s.viewActive(), s.stableSeq(), s.lastExecuted(), s.viewChanges(), prepared, committed);
            };
        }
        if (m instanceof ViewChange vc) {
            return f == 0 ? new ViewChange(off(vc.view()), vc.replica(), vc.stableSeq(), vc.checkpoints(), vc.prepared(), vc.prePrepared())
                    : new ViewChange(vc.view(), vc.replica(), vc.stableSeq() + k, vc.checkpoints(), vc.prepared(), vc.prePrepared());
        }
        if (m instanceof ViewChangeAck a) {
            return f == 0 ? new ViewChangeAck(off(a.view()), a.replica(), a.viewChangeSender(), a.viewChangeDigest())
                    : new ViewChangeAck(a.view(), a.replica(), a.viewChangeSender(), otherDigest(a.viewChangeDigest()));
        }
        if (m instanceof NewView nv) {
            List<Digest> sel = new ArrayList<>(nv.selected());
            if (!sel.isEmpty()) { int i = rnd.nextInt(sel.size()); sel.set(i, otherDigest(sel.get(i))); }
            return f == 0 ? new NewView(nv.view(), nv.viewChanges(), nv.checkpointSeq(), nv.checkpointDigest(), List.copyOf(sel))
                    : new NewView(nv.view(), nv.viewChanges(), off(nv.checkpointSeq()), nv.checkpointDigest(), nv.selected());
        }
        if (m instanceof FetchBatch fb) return new FetchBatch(fb.replica(), off(fb.seq()), otherDigest(fb.digest()));
        // A lying complaint: about another client (a correct one, perhaps).
        if (m instanceof AuthFailure a) return new AuthFailure(a.replica(), a.view(), a.seq(), a.client() + 1 + rnd.nextInt(4), a.timestamp());
        return m;
    }
}
