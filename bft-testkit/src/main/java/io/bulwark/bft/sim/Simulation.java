package io.bulwark.bft.sim;

import io.bulwark.bft.config.ProtocolConfig;
import io.bulwark.bft.service.KvService;
import io.bulwark.bft.service.Service;
import io.bulwark.bft.sim.adversary.Adversary;
import io.bulwark.bft.sim.adversary.AdversaryPlan;
import io.bulwark.bft.sim.adversary.NetworkTap;
import io.bulwark.bft.sim.adversary.RouteHijacker;
import io.bulwark.bft.sim.adversary.ReplicaBehaviour;
import io.bulwark.bft.sim.adversary.TwinSplit;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;

/**
 * One deterministic simulated run (DESIGN principle 2): n = 3f+1 replicas and many clients in one
 * thread over a simulated network, everything drawn from one seed. Safety is checked on every
 * step (equal batches and equal checkpoint digests at correct replicas) and at the end
 * (linearizability of the correct clients' history); liveness is checked after the network heals:
 * correct clients must keep completing requests until all are done.
 * <p>
 * Adversaries ({@link AdversaryPlan}) are drawn from their own stream of the seed, so a run with
 * none is the same run, seed for seed, as before adversaries existed. Byzantine replicas are not
 * checked (their executions and checkpoints are not reported); Byzantine clients are not part of
 * the checked history except for their writes to shared keys, recorded as pending writes.
 */
public final class Simulation {

    /**
     * What to run. {@code requests} is the total over all correct clients. {@code adversaries} is
     * the pool each seed draws its adversaries from (empty: none). {@code dropRate} and
     * {@code duplicateRate} fix the network's rates before it heals (NaN: drawn per seed).
     */
    public record Options(long seed, int f, int requests, int clients, boolean wire, List<Adversary> adversaries,
                          double dropRate, double duplicateRate, Workload workload) {
        public Options {
            adversaries = List.copyOf(adversaries);
        }

        /** The built-in key-value workload, with its linearizability check. */
        public Options(long seed, int f, int requests, int clients, boolean wire, List<Adversary> adversaries,
                       double dropRate, double duplicateRate) {
            this(seed, f, requests, clients, wire, adversaries, dropRate, duplicateRate, null);
        }

        /** No adversaries, rates drawn per seed. */
        public Options(long seed, int f, int requests, int clients, boolean wire) {
            this(seed, f, requests, clients, wire, List.of(), Double.NaN, Double.NaN);
        }

        public Options withWorkload(Workload w) {
            return new Options(seed, f, requests, clients, wire, adversaries, dropRate, duplicateRate, w);
        }

        /** The CLI command that replays this run (the built-in workload; another workload names itself). */
        public String replayCommand() {
            if (workload != null) return "workload " + workload.name() + ", seed " + seed + ", f=" + f + ", " + requests
                    + " requests, " + clients + " clients" + (wire ? "" : ", plain links") + ", adversaries " + Adversary.labels(adversaries);
            return "./bulwark sim --seeds 1 --seed " + seed + " --f " + f + " --requests " + requests + " --clients " + clients
                    + (wire ? "" : " --plain") + " --adversary " + Adversary.labels(adversaries)
                    + (Double.isNaN(dropRate) ? "" : String.format(Locale.ROOT, " --drop-rate %s", dropRate))
                    + (Double.isNaN(duplicateRate) ? "" : String.format(Locale.ROOT, " --dup-rate %s", duplicateRate));
        }
    }

    /**
     * What happened. {@code maxView} is the highest view any correct replica reached;
     * {@code adversaries} the ones this run had; {@code rejected} the payloads links refused
     * (forged MACs, partial authenticators, undecodable frames).
     */
    public record Outcome(Options options, long committed, long simulatedMs, List<String> safetyViolations,
                          String livenessFailure, int checkpointsCompared, boolean linearizabilityExhausted,
                          String faults, long messages, long dropped, long maxView, List<Adversary> adversaries, long rejected,
                          long stateTransfers, long pagesTransferred, long clockSkewRejects) {
        public boolean ok() { return safetyViolations.isEmpty() && livenessFailure == null; }
    }

    /** After the network heals, a run with work left must complete some request within this long. */
    static final long PROGRESS_WINDOW_US = 20_000_000;

    private final Options opt;
    private final SplittableRandom rnd;
    private final EventQueue events = new EventQueue();
    private final SafetyMonitor safety = new SafetyMonitor();
    private final History history = new History();
    private final List<SimReplica> replicas = new ArrayList<>();
    /** The second instance of a twin pair, if any. */
    private final List<SimReplica> twins = new ArrayList<>();
    private final List<SimClient> clients = new ArrayList<>();
    private final List<SimByzantineClient> byzantineClients = new ArrayList<>();
    private final List<Link> links = new ArrayList<>();
    private final AdversaryPlan adversaries;
    private final FaultPlan plan;
    private final SimNetwork net;
    private final ProtocolConfig cfg;
    /** Clients (correct and Byzantine): the capacity of every replica's client table. */
    private final int clientCount;
    /** Randomness for faults scheduled when the run starts (bit flips). */
    private final SplittableRandom adversaryRandom;
    private final List<RouteHijacker> hijackers = new ArrayList<>();
    private long lastProgress;
    private long committed;

    public Simulation(Options opt) {
        this.opt = opt;
        this.rnd = new SplittableRandom(opt.seed());
        int n = 3 * opt.f() + 1;
        // Small checkpoint intervals so that a short run goes through many checkpoints and log truncations.
        int k = 4 << rnd.nextInt(4);
        this.cfg = new ProtocolConfig(opt.f(), k, 2 * k, 1 + rnd.nextInt(64), 64 * 1024, 1 + rnd.nextInt(Math.min(8, k)),
                20, 60, 200, 1_000, 4096, 4096, ProtocolConfig.PAGE_SIZE);
        SplittableRandom adv = new SplittableRandom(opt.seed() * 0x9E3779B97F4A7C15L + 0x632BE59BD9B4E019L);
        this.adversaries = AdversaryPlan.draw(opt.adversaries(), opt.seed(), opt.f(), n, adv);
        // Byzantine replicas use the fault budget: no crashed or partitioned correct replicas besides them.
        FaultPlan drawn = FaultPlan.draw(rnd.split(), opt.f(), n, adversaries.byzantineReplicas() > 0 ? 0 : opt.f())
                .withRates(opt.dropRate(), opt.duplicateRate());
        if (adversaries.isolatePrimary()) {
            long from = adv.nextLong(50_000, 400_000);
            long to = from + cfg.viewChangeTimeoutMs() * 1000 * (3 + adv.nextInt(6));
            drawn = drawn.withIsolation(0, from, to);
        }
        int lagging = adversaries.replicaOf(Adversary.LAGGING);
        if (lagging >= 0) {
            // Cut off long enough to fall many checkpoints behind: it must catch up by state transfer.
            long from = adv.nextLong(20_000, 300_000);
            drawn = drawn.withIsolation(lagging, from, from + adv.nextLong(1_500_000, 4_000_000));
        }
        this.plan = drawn;
        List<Adversary> clientAdversaries = adversaries.ofKind(Adversary.Kind.CLIENT);
        int principals = n + opt.clients() + clientAdversaries.size();
        this.clientCount = principals - n;
        this.net = new SimNetwork(events, rnd.split(), plan, principals);
        Links linkMaker = opt.wire() ? new Links.Wired(cfg, principals, rnd.nextLong()) : new Links.Plain();
        for (int p = 0; p < principals; p++) links.add(linkMaker.link(p));
        int twin = adversaries.twin();
        for (int i = 0; i < n; i++) {
            long skew = plan.clockSkewMs() == 0 ? 0 : rnd.nextLong(-plan.clockSkewMs(), plan.clockSkewMs() + 1);
            List<ReplicaBehaviour> behaviours = adversaries.behaviours(i, cfg, adv.split(), plan.healAt());
            if (i == twin) {
                long groupB = adversaries.twinGroup();
                long others = io.bulwark.bft.sim.adversary.Outgoing.allReplicas(n) & ~(1L << i);
                SimReplica a = byzantine(i, skew, withSplit(new TwinSplit(others & ~groupB, n), behaviours), adv);
                SimReplica b = byzantine(i, skew, withSplit(new TwinSplit(groupB, n), behaviours), adv);
                replicas.add(a);
                twins.add(b);
                net.attach(i, (from, payload) -> {
                    if (from < n && (groupB & (1L << from)) != 0) b.deliver(from, payload);
                    else if (from < n) a.deliver(from, payload);
                    else { a.deliver(from, payload); b.deliver(from, payload); }
                });
                continue;
            }
            SimReplica r = behaviours.isEmpty()
                    ? new SimReplica(i, cfg, newService(), servicePages(), clientCount, links.get(i), events, net, safety, skew)
                    : byzantine(i, skew, behaviours, adv);
            replicas.add(r);
            net.attach(i, r);
        }
        int keys = 1 + rnd.nextInt(8);
        for (int c = 0; c < opt.clients(); c++) {
            int share = opt.requests() / opt.clients() + (c < opt.requests() % opt.clients() ? 1 : 0);
            SplittableRandom clientRandom = rnd.split();
            Workload.ClientScript script = opt.workload() == null ? null : opt.workload().client(n + c, clientRandom.split());
            SimClient cl = new SimClient(n + c, cfg, links.get(n + c), events, net, clientRandom, history, keys, share,
                    rnd.nextInt(2000), this::progress, script, safety);
            clients.add(cl);
            net.attach(n + c, cl);
        }
        for (int b = 0; b < clientAdversaries.size(); b++) {
            int id = n + opt.clients() + b;
            Adversary a = clientAdversaries.get(b);
            SimByzantineClient bc = new SimByzantineClient(id, cfg, links.get(id), events, net, adv.split(), history, keys,
                    () -> !allDone(), port -> AdversaryPlan.client(a, port));
            byzantineClients.add(bc);
            net.attach(id, bc);
        }
        for (Adversary a : adversaries.ofKind(Adversary.Kind.NETWORK)) {
            SplittableRandom tapRandom = adv.split();
            NetworkTap tap = AdversaryPlan.tap(a, tapRandom);
            if (tap instanceof RouteHijacker h) hijackers.add(h);
            net.tap(tap, new NetworkTap.TapContext() {
                @Override public long nowUs() { return events.now(); }
                @Override public int replicas() { return n; }
                @Override public int principals() { return net.principals(); }
                @Override public SplittableRandom random() { return tapRandom; }
                @Override public void inject(int from, int to, Object payload, long delayUs) { net.inject(from, to, payload, delayUs); }
                @Override public Object forge(Object payload) { return Link.forge(payload, tapRandom); }
                @Override public boolean replayableElsewhere(Object payload) { return Link.replayableElsewhere(payload); }
                @Override public boolean hijack(int victim, int target) {
                    List<Object> captured = linkMaker.captured(victim, target);
                    if (captured.isEmpty() || !links.get(target).bindsOnNewLink(captured)) return false;
                    net.divert(target, victim);
                    return true;
                }
            });
        }
        this.adversaryRandom = adv.split();
    }

    private SimReplica byzantine(int id, long skew, List<ReplicaBehaviour> behaviours, SplittableRandom adv) {
        return new SimReplica(id, cfg, newService(), servicePages(), clientCount, links.get(id), events, net, safety, skew, behaviours, adv.split());
    }

    private Service newService() { return opt.workload() == null ? new KvService() : opt.workload().newService(); }

    private int servicePages() { return opt.workload() == null ? 16 : opt.workload().pages(); }

    private static List<ReplicaBehaviour> withSplit(TwinSplit split, List<ReplicaBehaviour> rest) {
        List<ReplicaBehaviour> out = new ArrayList<>(rest);
        out.add(split);   // last: whatever the others make of a message, it only reaches this twin's group
        return out;
    }

    private void progress() {
        committed++;
        lastProgress = events.now();
    }

    public Outcome run() {
        for (FaultPlan.Outage o : plan.outages()) {
            SimReplica r = replicas.get(o.replica());
            events.at(o.from(), () -> { if (o.stopped()) r.stop(); else net.setCutOff(o.replica(), true); });
            events.at(o.to(), () -> { if (o.stopped()) r.resume(); else net.setCutOff(o.replica(), false); });
        }
        replicas.forEach(SimReplica::start);
        twins.forEach(SimReplica::start);
        clients.forEach(SimClient::start);
        for (SimByzantineClient b : byzantineClients) b.client.start(b.random().nextLong(1, 500_000));
        int flipped = adversaries.replicaOf(Adversary.BIT_FLIP);
        if (flipped >= 0) {
            SimReplica r = replicas.get(flipped);
            SplittableRandom flips = adversaryRandom.split();
            long at = flips.nextLong(50_000, Math.max(50_001, plan.healAt()));
            events.at(at, () -> r.flipBits(1 + flips.nextInt(4), flips));
            // Half of the time a check finds it soon (as recovery would); else a checkpoint mismatch does.
            if (flips.nextBoolean()) events.at(at + flips.nextLong(1, 500_000), r::checkState);
        }
        String liveness = null;
        while (!allDone()) {
            long limit = Math.max(plan.healAt(), lastProgress) + PROGRESS_WINDOW_US;
            if (!events.step(limit)) {
                liveness = livenessReport(limit);
                break;
            }
            if (!safety.violations.isEmpty()) break;
        }
        if (liveness == null && safety.violations.isEmpty()) liveness = awaitCatchUp();
        if (liveness == null && safety.violations.isEmpty() && opt.workload() != null) checkFinalStates();
        List<String> violations = new ArrayList<>(safety.violations);
        String hijacks = "";
        for (RouteHijacker h : hijackers) {
            hijacks += " route-hijack-attempts=" + h.attempts() + " routes-hijacked=" + h.bound();
            // Channel binding must refuse every replayed handshake: one taken is a broken defence.
            if (h.bound() > 0) violations.add(h.bound() + " replayed handshakes bound a link to another principal");
        }
        LinearizabilityChecker.Result lin = LinearizabilityChecker.check(history.ops);
        if (!lin.linearizable()) violations.add("history not linearizable: " + lin.detail());
        long maxView = 0, rejected = 0;
        for (SimReplica r : replicas) if (r.correct()) maxView = Math.max(maxView, r.core.view());
        for (Link l : links) rejected += l.rejected();
        long transfers = 0, pages = 0, skew = 0;
        for (SimReplica r : replicas) {
            if (!r.correct()) continue;
            transfers += r.core.transfersCompleted();
            pages += r.core.pagesTransferred();
            skew += r.core.counters().ignored(io.bulwark.bft.core.Ignored.CLOCK_SKEW);
        }
        return new Outcome(opt, committed, events.now() / 1000, violations, liveness, safety.checkpointsCompared(),
                lin.exhausted(), plan.describe() + " K=" + cfg.checkpointInterval() + " batch<=" + cfg.maxBatchRequests()
                + " inflight<=" + cfg.maxInFlightBatches() + " " + adversaries.describe() + hijacks, net.sent, net.dropped,
                maxView, adversaries.exercised(), rejected, transfers, pages, skew);
    }

    /**
     * After the clients are done: every correct replica must reach the latest stable checkpoint of
     * the others, with a repaired state — by executing, or by state transfer (section 4.6.2) for one
     * that was cut off or corrupted. A replica whose memory was corrupted runs a check first (as a
     * recovery would), so corruption a checkpoint has not exposed yet is found too.
     */
    private String awaitCatchUp() {
        long limit = events.now() + PROGRESS_WINDOW_US;
        while (!caughtUp()) {
            if (!events.step(limit)) return "not caught up " + PROGRESS_WINDOW_US / 1000 + " ms after the clients finished; " + livenessReport(limit);
            if (!safety.violations.isEmpty()) return null;
        }
        return null;
    }

    /**
     * The workload's check of the final state, at every correct replica that executed everything
     * (one that caught up only to the stable checkpoint legitimately lacks the last batches; a
     * corrupted one that no checkpoint exposed yet is the bit-flip oracle's business).
     */
    private void checkFinalStates() {
        long last = 0;
        for (SimReplica r : replicas) if (r.correct()) last = Math.max(last, r.core.lastExecuted());
        for (SimReplica r : replicas) {
            if (!r.correct() || r.corrupted() || r.core.lastExecuted() < last) continue;
            String wrong = opt.workload().checkFinal(r.service());
            if (wrong != null) safety.violation("replica " + r.core.id() + " final state at " + last + ": " + wrong);
        }
    }

    private boolean caughtUp() {
        // Corruption after the clients finished (or never checked) gets its check now.
        for (SimReplica r : replicas) if (r.correct() && r.corrupted() && !r.checkedSinceFlip()) r.checkState();
        long stable = 0;
        for (SimReplica r : replicas) if (r.correct()) stable = Math.max(stable, r.core.stableSeq());
        for (SimReplica r : replicas) {
            if (!r.correct()) continue;
            if (r.core.corrupt() || r.core.transferring() || r.core.lastExecuted() < stable) return false;
            if (r.corrupted() && !repairedAccordingToOthers(r)) return false;
        }
        return true;
    }

    /** A corrupted replica's flipped pages equal those of a never-corrupted correct replica at the same point. */
    private boolean repairedAccordingToOthers(SimReplica r) {
        for (SimReplica x : replicas) {
            // A flip in a page modified since the last checkpoint is found only at the next one, which
            // a group with no more requests does not take: not a failure of the replica.
            if (x != r && x.correct() && !x.corrupted() && x.core.lastExecuted() == r.core.lastExecuted())
                return r.flippedPagesAccountedFor(x);
        }
        return false;
    }

    private boolean allDone() {
        for (SimClient c : clients) if (!c.done()) return false;
        return true;
    }

    private String livenessReport(long limit) {
        StringBuilder b = new StringBuilder("no progress for " + PROGRESS_WINDOW_US / 1000 + " ms after the network healed (at "
                + limit / 1000 + " ms simulated); ");
        int stuck = 0;
        for (SimClient c : clients) if (!c.done()) stuck++;
        b.append(stuck).append(" clients unfinished; replicas:");
        List<SimReplica> all = new ArrayList<>(replicas);
        all.addAll(twins);
        for (SimReplica r : all) {
            b.append(" [").append(r.core.id()).append(r.correct() ? "" : " byzantine").append(" view=").append(r.core.view())
                    .append(" executed=").append(r.core.lastExecuted())
                    .append(" h=").append(r.core.lowWaterMark()).append(" stable=").append(r.core.stableSeq()).append(" knownStable=").append(r.core.knownStable())
                    .append(" pending=").append(r.core.pendingRequests())
                    .append(r.core.transferring() ? " transferring" : "").append(r.core.corrupt() ? " corrupt" : "")
                    .append(" transfers=").append(r.core.transfersCompleted()).append(" ignored=").append(r.core.counters().snapshot())
                    .append(' ').append(links.get(r.core.id()).rejections()).append(']');
        }
        return b.toString();
    }
}
