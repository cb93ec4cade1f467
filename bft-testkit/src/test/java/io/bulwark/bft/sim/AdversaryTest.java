package io.bulwark.bft.sim;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.bulwark.bft.config.ProtocolConfig;
import io.bulwark.bft.core.NonDet;
import io.bulwark.bft.crypto.Digest;
import io.bulwark.bft.msg.Checkpoint;
import io.bulwark.bft.msg.Commit;
import io.bulwark.bft.msg.Message;
import io.bulwark.bft.msg.MessageCodec;
import io.bulwark.bft.msg.NewView;
import io.bulwark.bft.msg.PrePrepare;
import io.bulwark.bft.msg.Prepare;
import io.bulwark.bft.msg.Reply;
import io.bulwark.bft.msg.Request;
import io.bulwark.bft.msg.ViewChange;
import io.bulwark.bft.service.KvOps;
import io.bulwark.bft.sim.adversary.Adversary;
import io.bulwark.bft.sim.adversary.AdversaryPlan;
import io.bulwark.bft.sim.adversary.CommitLag;
import io.bulwark.bft.sim.adversary.ConflictingCheckpoints;
import io.bulwark.bft.sim.adversary.EquivocatingPrimary;
import io.bulwark.bft.sim.adversary.Lies;
import io.bulwark.bft.sim.adversary.LyingViewChange;
import io.bulwark.bft.sim.adversary.Mutator;
import io.bulwark.bft.sim.adversary.NullTrap;
import io.bulwark.bft.sim.adversary.Outgoing;
import io.bulwark.bft.sim.adversary.ReplicaBehaviour;
import io.bulwark.bft.sim.adversary.ReplicaContext;
import io.bulwark.bft.sim.adversary.SilentPrimary;
import io.bulwark.bft.sim.adversary.SlowPrimary;
import io.bulwark.bft.sim.adversary.TwinSplit;
import io.bulwark.bft.sim.adversary.WrongNewView;
import io.bulwark.bft.sim.adversary.WrongResult;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** The adversary machinery on its own: what each adversary sends, that the links reject forgeries, that plans respect f. */
class AdversaryTest {
    private static final ProtocolConfig CFG = ProtocolConfig.defaults(1).withCheckpointInterval(4, 8).withTimeouts(20, 60, 200);
    private static final int N = 4;

    /** A context for a behaviour: replica {@code self} in view {@code view}, at time {@code nowUs}. */
    private record Ctx(int self, long view, long nowUs, SplittableRandom random) implements ReplicaContext {
        Ctx(int self, long view, long nowUs) { this(self, view, nowUs, new SplittableRandom(7)); }
        @Override public ProtocolConfig config() { return CFG; }
        @Override public boolean isPrimary() { return CFG.primaryOf(view) == self; }
    }

    private static List<Outgoing> run(ReplicaBehaviour b, ReplicaContext ctx, Outgoing o) {
        List<Outgoing> out = new ArrayList<>();
        b.outgoing(o, ctx, out::add);
        return out;
    }

    private static Request request(int client, long ts, String key, long value) {
        return new Request(client, ts, false, 0, KvOps.put(key.getBytes(), java.nio.ByteBuffer.allocate(8).putLong(value).array()), null);
    }

    private static PrePrepare prePrepare(long view, long seq, List<Request> batch) {
        byte[] nonDet = NonDet.encodeTime(1_000);
        return new PrePrepare(view, seq, MessageCodec.batchDigest(batch, nonDet), nonDet, batch);
    }

    // ---- names and plans ----

    @Test
    void everyAdversaryHasALabelThatParsesBack() {
        assertEquals(List.of(Adversary.values()), Adversary.parse("all"));
        assertEquals(List.of(), Adversary.parse("none"));
        for (Adversary a : Adversary.values()) assertEquals(a, Adversary.of(a.label()));
        List<Adversary> some = List.of(Adversary.BIG_MAC, Adversary.TWINS);
        assertEquals(some, Adversary.parse(Adversary.labels(some)));
        assertEquals("all", Adversary.labels(List.of(Adversary.values())));
        assertThrows(IllegalArgumentException.class, () -> Adversary.parse("silent-primary,sneaky"));
    }

    @Test
    void plansGoRoundRobinNeverExceedFAndPutEachAdversaryWhereItActs() {
        List<Adversary> pool = List.of(Adversary.values());
        for (int f = 1; f <= 3; f++) {
            int n = 3 * f + 1;
            for (long seed = -20; seed < 600; seed++) {
                AdversaryPlan p = AdversaryPlan.draw(pool, seed, f, n, new SplittableRandom(seed));
                Adversary main = pool.get((int) Math.floorMod(Math.floorDiv(seed, 2), (long) pool.size()));
                assertEquals(main, p.exercised().get(0), "seed " + seed);
                assertTrue(p.byzantineReplicas() <= f, "seed " + seed + ": " + p.describe());
                Set<Integer> replicas = new HashSet<>();
                for (AdversaryPlan.Assignment a : p.assignments()) {
                    if (a.adversary().kind == Adversary.Kind.REPLICA) {
                        assertTrue(replicas.add(a.replica()), "one adversary per replica: " + p.describe());
                        assertTrue(a.replica() >= 0 && a.replica() < n);
                    } else {
                        assertEquals(-1, a.replica());
                    }
                    if (a.adversary() == Adversary.SILENT_PRIMARY || a.adversary() == Adversary.SLOW_PRIMARY
                            || a.adversary() == Adversary.EQUIVOCATING_PRIMARY) assertEquals(0, a.replica());
                    if (a.adversary() == Adversary.WRONG_NEW_VIEW) assertEquals(1, a.replica());
                }
            }
        }
        assertEquals(List.of(), AdversaryPlan.draw(List.of(), 5, 1, 4, new SplittableRandom(5)).exercised());
    }

    @Test
    void byzantineReplicasAndStoppedCorrectOnesTogetherStayWithinF() {
        // Issue 21: a Byzantine replica meets a stopped or partitioned correct one, within the budget of f.
        boolean met = false;
        for (long seed = 0; seed < 40; seed += 2) {   // wrong-result is the main adversary of seeds 10, 11
            Simulation.Options o = new Simulation.Options(seed, 2, 40, 3, false, List.of(Adversary.WRONG_RESULT), Double.NaN, Double.NaN);
            Simulation.Outcome out = new Simulation(o).run();
            String faulty = out.faults().replaceAll(".*faulty=\\[([0-9, ]*)\\].*", "$1").trim();
            int crashed = faulty.isEmpty() ? 0 : faulty.split(",").length;
            assertTrue(crashed <= 1, "one Byzantine replica leaves one fault for correct ones: " + out.faults());
            met |= crashed == 1;
            assertTrue(out.ok(), out.livenessFailure() + " " + out.safetyViolations());
        }
        assertTrue(met, "some run has a Byzantine replica and a stopped or partitioned correct one");
    }

    @Test
    void cooperatingAdversariesTakeAllFReplicasUnderOneBrain() {
        for (int f = 1; f <= 3; f++) {
            int n = 3 * f + 1;
            for (Adversary a : List.of(Adversary.NULL_TRAP, Adversary.COOPERATING, Adversary.STALE_READER)) {
                for (long seed = 0; seed < 50; seed++) {
                    AdversaryPlan p = AdversaryPlan.draw(List.of(a), seed, f, n, new SplittableRandom(seed));
                    assertEquals(f, p.byzantineReplicas(), p.describe());
                    ReplicaBehaviour first = null;
                    for (int j = 0; j < n; j++) {
                        List<ReplicaBehaviour> b = p.behaviours(j, CFG, new SplittableRandom(j), 1_000_000);
                        if (b.isEmpty()) continue;
                        if (first == null) first = b.get(0);
                        else if (a != Adversary.STALE_READER) assertSame(first, b.get(0), "one brain: " + p.describe());
                        else assertEquals(first, b.get(0), "one lag for every stale reader: " + p.describe());
                    }
                    if (a == Adversary.NULL_TRAP) assertTrue(p.byzantine(0), "the view-0 primary is in the trap: " + p.describe());
                }
            }
        }
    }

    @Test
    void nullTrapMovesTheBatchAtTheTrapToTheNextNumberForP1AndB1AndHoldsWhatWouldSpoilIt() {
        for (long seed = 0; seed < 20; seed++) {
            NullTrap trap = NullTrap.draw(1, new SplittableRandom(seed));
            assertEquals(1, trap.members(), "f=1: the view-0 primary alone");
            List<Outgoing> sent = new ArrayList<>();
            long trapSeq = -1;
            for (long seq = 1; seq < 200 && trapSeq < 0; seq++) {
                sent.clear();
                PrePrepare pp = prePrepare(0, seq, List.of(request(N, seq, "k", seq)));
                trap.outgoing(Outgoing.multicast(pp, N), new Ctx(0, 0, seq), sent::add);
                if (sent.size() == 1 && sent.get(0).message() instanceof PrePrepare out && out.seq() == seq) continue;
                trapSeq = seq;
                assertEquals(1, sent.size());
                PrePrepare moved = (PrePrepare) sent.get(0).message();
                assertEquals(seq + 1, moved.seq(), "the batch of s goes out at s+1");
                assertEquals(pp.digest(), moved.digest());
                assertTrue(sent.get(0).reaches(1), "p1 gets it");
                assertEquals(2, Long.bitCount(sent.get(0).replicas()), "p1 and one more correct replica (B1) only");
            }
            assertTrue(trapSeq > 0, "seed " + seed + ": the trap was set");
            sent.clear();
            trap.outgoing(Outgoing.multicast(prePrepare(0, trapSeq + 1, List.of()), N), new Ctx(0, 0, 0), sent::add);
            assertTrue(sent.isEmpty(), "nothing after the trap is pre-prepared in view 0");
            Prepare p = new Prepare(0, trapSeq + 1, prePrepare(0, 0, List.of()).digest(), 2);
            assertEquals(0, trap.delayUs(2, 1, p, 0), "prepares for s+1 reach p1");
            assertTrue(trap.delayUs(1, 2, p, 0) > 0, "and no one else");
            Commit nullCommit = new Commit(1, trapSeq, NewView.NULL_REQUEST, 1);
            int reached = 0;
            for (int to = 1; to < N; to++) if (trap.delayUs(1, to, nullCommit, 0) == 0) reached++;
            assertEquals(1, reached, "the COMMITs for the null at s reach one correct replica");
        }
    }

    @Test
    void commitLagNeverDelaysToFaultyReplicasAndLetsOneMemberOfItsSetSeeEachWrite() {
        boolean[] faulty = {false, false, false, true};
        CommitLag lag = new CommitLag(4, faulty, 200, new SplittableRandom(7));
        var pp = prePrepare(0, 1, List.of());
        var commit = new Commit(0, 1, pp.digest(), 0);
        for (long t = 0; t < 5_000_000; t += 10_000) {
            assertEquals(0, lag.delayUs(0, 3, commit, t));
            int commitsDelayed = 0, prePreparesDelayed = 0;
            for (int j = 0; j < 3; j++) {
                if (lag.delayUs(0, j, commit, t) > 0) commitsDelayed++;
                if (lag.delayUs(0, j, pp, t) > 0) prePreparesDelayed++;
            }
            assertEquals(2, commitsDelayed, "f+1 correct replicas lag behind");
            assertTrue(prePreparesDelayed <= 1, "at most f of them miss the pre-prepare");
        }
    }

    @Test
    void runsWithAdversariesAreDeterministicAndTheReplayCommandNamesThePool() {
        Simulation.Options o = new Simulation.Options(23, 1, 120, 4, true, List.of(Adversary.values()), 0.01, 0.0);
        Simulation.Outcome a = new Simulation(o).run(), b = new Simulation(o).run();
        assertEquals(a.simulatedMs(), b.simulatedMs());
        assertEquals(a.messages(), b.messages());
        assertEquals(a.rejected(), b.rejected());
        assertEquals(a.adversaries(), b.adversaries());
        assertTrue(o.replayCommand().contains("--adversary all --drop-rate 0.01 --dup-rate 0.0"), o.replayCommand());
        assertTrue(new Simulation.Options(1, 1, 1, 1, true).replayCommand().endsWith("--adversary none"));
    }

    @Test
    void replayedHandshakesOnNewLinksNeverTakeOverARoute() {
        int runs = 0;
        for (long seed = 0; seed < 6; seed++) {
            Simulation.Options o = new Simulation.Options(seed, 1 + (int) (seed % 2), 120, 4, true, List.of(Adversary.ROUTE_HIJACK), Double.NaN, Double.NaN);
            Simulation.Outcome out = new Simulation(o).run();
            assertTrue(out.ok(), out.livenessFailure() + " " + out.safetyViolations());
            java.util.regex.Matcher m = java.util.regex.Pattern.compile("route-hijack-attempts=(\\d+) routes-hijacked=(\\d+)").matcher(out.faults());
            assertTrue(m.find(), out.faults());
            assertEquals("0", m.group(2), out.faults());
            if (Long.parseLong(m.group(1)) > 0) runs++;
        }
        assertTrue(runs >= 5, "the hijacker attempted in most runs");
    }

    @Test
    void aReplayedHandshakeIsRefusedOnANewLink() {
        Links.Wired links = new Links.Wired(CFG, N + 1, 9);
        for (int victim = 0; victim <= N; victim++) {
            for (int target = 0; target < N; target++) {
                if (victim == target) continue;
                List<Object> captured = links.captured(victim, target);
                assertEquals(2, captured.size(), "NEW-KEY and proof of " + victim + " to " + target);
                assertFalse(links.link(target).bindsOnNewLink(captured), victim + "'s handshake replayed at " + target);
                assertFalse(links.link(target).bindsOnNewLink(List.of(captured.get(0))), "a NEW-KEY alone binds nothing");
            }
        }
    }

    // ---- the links ----

    @Test
    void forgedFramesAreRejectedOrCarryTheOriginalMessageUnchanged() {
        Links.Wired links = new Links.Wired(CFG, N + 1, 3);
        Link primary = links.link(0), backup = links.link(2), client = links.link(N);
        assertNull(client.open(client.sealTo(0, request(N, 1, "k", 1))), "requests are for replicas");
        SplittableRandom rnd = new SplittableRandom(11);
        int rejected = 0;
        for (int i = 0; i < 2000; i++) {
            Message m = i % 2 == 0 ? new Prepare(0, 1 + i, Lies.digest("x", i), 0)
                    : new Checkpoint(4L * (1 + i), Lies.digest("y", i), 0);
            Object genuine = i % 3 == 0 ? primary.sealTo(2, m) : primary.sealMulticast(m);
            Link.Received got = backup.open(Link.forge(genuine, rnd));
            if (got == null) rejected++;
            else {
                // Only a flip in another replica's authenticator entry leaves a frame valid here.
                assertEquals(0, got.from());
                assertEquals(m.toString(), got.message().toString());
            }
        }
        assertTrue(rejected > 1500, rejected + " of 2000 forgeries rejected");
        assertEquals(rejected, backup.rejected());
        PlainLink plain = new PlainLink(2);
        assertNull(plain.open(Link.forge(new Link.Received(0, new Prepare(0, 1, Digest.ZERO, 0)), rnd)));
    }

    @Test
    void aBigMacAuthenticatorVerifiesExactlyAtTheReplicasChosen() {
        Links.Wired wired = new Links.Wired(CFG, N + 1, 5);
        Links.Plain plain = new Links.Plain();
        for (Links links : List.of(wired, plain)) {
            Link client = links.link(N);
            for (long mask = 0; mask < 16; mask++) {
                Request r = request(N, 1 + mask, "z", mask);
                Object payload = client.sealRequestValidAt(r, mask);
                for (int j = 0; j < N; j++) {
                    Link.Received got = links.link(j).open(payload);
                    assertEquals((mask & (1L << j)) != 0, got != null, "mask " + mask + " at replica " + j);
                    if (got == null) continue;
                    // Relayed inside a pre-prepare the request stays valid only where its entry is:
                    // elsewhere the pre-prepare arrives with the request marked unverified.
                    Request carried = (Request) got.message();
                    PrePrepare pp = prePrepare(0, 1, List.of(carried));
                    Object relay = links.link(j == 0 ? 0 : j).sealMulticast(pp);
                    for (int k = 0; k < N; k++) {
                        if (k == j) continue;
                        Link.Received at = links.link(k).open(relay);
                        assertNotNull(at, "pre-prepare at " + k + " mask " + mask);
                        boolean verified = at.unverified() == null || !at.unverified().get(0);
                        assertEquals((mask & (1L << k)) != 0, verified, "request in the pre-prepare at " + k + " mask " + mask);
                    }
                }
            }
        }
    }

    // ---- replica behaviours ----

    @Test
    void silentPrimarySaysNothingWhilePrimaryFromItsStartTime() {
        SilentPrimary s = new SilentPrimary(1_000);
        Outgoing o = Outgoing.multicast(new Prepare(0, 1, Digest.ZERO, 0), N);
        assertEquals(1, run(s, new Ctx(0, 0, 999), o).size());
        assertEquals(0, run(s, new Ctx(0, 0, 1_000), o).size());
        assertEquals(1, run(s, new Ctx(0, 1, 5_000), o).size(), "a backup again after the view change");
    }

    @Test
    void slowPrimaryHoldsPrePreparesJustUnderTheViewChangeTimeout() {
        SlowPrimary s = SlowPrimary.justUnder(CFG.viewChangeTimeoutMs(), new SplittableRandom(1));
        assertTrue(s.delayUs() >= 700 * CFG.viewChangeTimeoutMs() && s.delayUs() < 1000 * CFG.viewChangeTimeoutMs());
        Outgoing pp = Outgoing.multicast(prePrepare(0, 1, List.of(request(N, 1, "k", 1))), N);
        assertEquals(s.delayUs(), run(s, new Ctx(0, 0, 0), pp).get(0).delayUs());
        assertEquals(0, run(s, new Ctx(0, 0, 0), Outgoing.send(N, new Reply(0, 1, N, 0, false, false, new byte[1]))).get(0).delayUs());
    }

    @Test
    void equivocatingPrimarySendsEachGroupItsOwnValidBatchAndMatchingCommits() {
        long groupB = 0b1100;   // replicas 2 and 3
        EquivocatingPrimary e = new EquivocatingPrimary(groupB, new SplittableRandom(3));
        for (int size = 1; size <= 3; size++) {
            List<Request> batch = new ArrayList<>();
            for (int i = 0; i < size; i++) batch.add(request(N + i, 1, "k" + i, i));
            PrePrepare pp = prePrepare(0, size, batch);
            List<Outgoing> out = run(e, new Ctx(0, 0, 0), Outgoing.multicast(pp, N));
            assertEquals(4, out.size(), "a pre-prepare and a commit per group");
            PrePrepare toA = (PrePrepare) out.get(0).message(), toB = (PrePrepare) out.get(1).message();
            assertEquals(0b0010, out.get(0).replicas() & ~1L);
            assertEquals(groupB, out.get(1).replicas());
            assertEquals(pp, toA);
            assertNotEquals(pp.digest(), toB.digest());
            assertEquals(MessageCodec.batchDigest(toB.batch(), toB.nonDet()), toB.digest(), "the variant is a valid pre-prepare");
            assertEquals(pp.digest(), ((Commit) out.get(2).message()).digest());
            assertEquals(toB.digest(), ((Commit) out.get(3).message()).digest());
            // A retransmission to a backup of group B repeats its variant.
            assertEquals(toB, run(e, new Ctx(0, 0, 0), Outgoing.send(3, pp)).get(0).message());
            assertEquals(pp, run(e, new Ctx(0, 0, 0), Outgoing.send(1, pp)).get(0).message());
        }
    }

    @Test
    void twinsTalkOnlyToTheirGroupButBothAnswerClients() {
        TwinSplit t = new TwinSplit(0b0110, N);
        List<Outgoing> out = run(t, new Ctx(0, 0, 0), Outgoing.multicast(new Prepare(0, 1, Digest.ZERO, 0), N));
        assertEquals(1, out.size());
        assertEquals(0b0110, out.get(0).replicas());
        assertEquals(0, run(t, new Ctx(0, 0, 0), Outgoing.send(3, new Prepare(0, 1, Digest.ZERO, 0))).size());
        assertEquals(1, run(t, new Ctx(0, 0, 0), Outgoing.send(N + 2, new Reply(0, 1, N + 2, 0, false, false, new byte[1]))).size());
    }

    @Test
    void liesAgreeAcrossLiarsAndDifferFromTheTruth() {
        assertEquals(Lies.digest("state", 8, 0), Lies.digest("state", 8, 0));
        assertNotEquals(Lies.digest("state", 8, 0), Lies.digest("state", 8, 1));
        List<Outgoing> out = run(new ConflictingCheckpoints(), new Ctx(1, 0, 0),
                Outgoing.multicast(new Checkpoint(8, Digest.ZERO, 1), N));
        assertEquals(2, out.size());
        assertNotEquals(((Checkpoint) out.get(0).message()).state(), ((Checkpoint) out.get(1).message()).state());
        for (Outgoing o : out) assertNotEquals(Digest.ZERO, ((Checkpoint) o.message()).state());
        WrongResult w = new WrongResult(1.0, new SplittableRandom(1));
        Reply full = new Reply(0, 5, N, 1, false, false, KvOps.ok());
        Reply digest = new Reply(0, 5, N, 2, false, true, MessageCodec.resultDigest(KvOps.ok()).bytes());
        Reply lieFull = (Reply) run(w, new Ctx(1, 0, 0), Outgoing.send(N, full)).get(0).message();
        Reply lieDigest = (Reply) run(w, new Ctx(2, 0, 0), Outgoing.send(N, digest)).get(0).message();
        assertFalse(java.util.Arrays.equals(KvOps.ok(), lieFull.result()));
        assertTrue(java.util.Arrays.equals(MessageCodec.resultDigest(lieFull.result()).bytes(), lieDigest.result()), "liars back each other");
    }

    @Test
    void lyingViewChangeOmitsAndInventsPreparedRequestsInOrder() {
        Digest real = Lies.digest("real", 1);
        ViewChange vc = new ViewChange(1, 2, 0, List.of(new ViewChange.CheckpointRef(0, Digest.ZERO)),
                List.of(new ViewChange.PreparedEntry(1, real, 0), new ViewChange.PreparedEntry(2, real, 0)),
                List.of(new ViewChange.PrePreparedEntry(1, List.of(new ViewChange.DigestView(real, 0))),
                        new ViewChange.PrePreparedEntry(2, List.of(new ViewChange.DigestView(real, 0)))));
        LyingViewChange liar = new LyingViewChange(new SplittableRandom(2));
        ViewChange lie = (ViewChange) run(liar, new Ctx(2, 1, 0), Outgoing.multicast(vc, N)).get(0).message();
        assertNotEquals(vc, lie);
        assertTrue(lie.prepared().stream().anyMatch(e -> e.digest().equals(Lies.digest("prepared", 1, e.seq()))), "claims an unprepared request");
        assertTrue(lie.checkpoints().size() > vc.checkpoints().size(), "claims a checkpoint it does not hold");
        for (int i = 1; i < lie.prepared().size(); i++) assertTrue(lie.prepared().get(i - 1).seq() < lie.prepared().get(i).seq());
        for (var e : lie.prepared()) assertTrue(e.seq() > lie.stableSeq() && e.seq() <= lie.stableSeq() + CFG.logSize() && e.view() < lie.view());
        assertEquals(lie.prepared().size(), lie.prePrepared().size());
    }

    @Test
    void wrongNewViewAlwaysChangesTheDecision() {
        NewView nv = new NewView(1, List.of(new NewView.ViewChangeRef(1, Lies.digest("vc", 1)), new NewView.ViewChangeRef(2, Lies.digest("vc", 2)),
                new NewView.ViewChangeRef(3, Lies.digest("vc", 3))), 0, Digest.ZERO, List.of(Lies.digest("b", 1), NewView.NULL_REQUEST));
        WrongNewView w = new WrongNewView(new SplittableRandom(4));
        for (int i = 0; i < 50; i++) {
            NewView lie = (NewView) run(w, new Ctx(1, 1, 0), Outgoing.multicast(nv, N)).get(0).message();
            assertNotEquals(nv.toString(), lie.toString());
        }
    }

    @Test
    void mutatorChangesAboutItsRateOfMessagesAndNeverTheClaimedSender() {
        Mutator m = new Mutator(0.3, new SplittableRandom(5));
        int changed = 0;
        for (int i = 0; i < 1000; i++) {
            Message p = new Prepare(0, 1 + i, Lies.digest("d", i), 2);
            Message out = run(m, new Ctx(2, 0, 0), Outgoing.multicast(p, N)).get(0).message();
            if (!out.equals(p)) changed++;
            if (out instanceof Prepare q) assertEquals(2, q.replica());
        }
        assertEquals(m.mutated(), changed, "every mutation changes the message");
        assertTrue(changed > 200 && changed < 400, changed + " mutated");
    }
}
