package io.bulwark.bft.sim;

import io.bulwark.bft.config.ProtocolConfig;
import io.bulwark.bft.service.KvService;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/**
 * One deterministic simulated run (DESIGN principle 2): n = 3f+1 replicas and many clients in one
 * thread over a simulated network, everything drawn from one seed. Safety is checked on every
 * step (equal batches and equal checkpoint digests at correct replicas) and at the end
 * (linearizability of the client history); liveness is checked after the network heals: clients
 * must keep completing requests until all are done.
 */
public final class Simulation {

    /** What to run. {@code requests} is the total over all clients. */
    public record Options(long seed, int f, int requests, int clients, boolean wire) {
        public String replayCommand() {
            return "./bulwark sim --seeds 1 --seed " + seed + " --f " + f + " --requests " + requests + " --clients " + clients
                    + (wire ? "" : " --plain");
        }
    }

    /** What happened. */
    public record Outcome(Options options, long committed, long simulatedMs, List<String> safetyViolations,
                          String livenessFailure, int checkpointsCompared, boolean linearizabilityExhausted,
                          String faults, long messages, long dropped) {
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
    private final List<SimClient> clients = new ArrayList<>();
    private final FaultPlan plan;
    private final SimNetwork net;
    private final ProtocolConfig cfg;
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
        this.plan = FaultPlan.draw(rnd.split(), opt.f(), n);
        this.net = new SimNetwork(events, rnd.split(), plan, n + opt.clients());
        Links links = opt.wire() ? new Links.Wired(cfg, n + opt.clients(), rnd.nextLong()) : new Links.Plain();
        for (int i = 0; i < n; i++) {
            long skew = plan.clockSkewMs() == 0 ? 0 : rnd.nextLong(-plan.clockSkewMs(), plan.clockSkewMs() + 1);
            SimReplica r = new SimReplica(i, cfg, new KvService(), 16, links.link(i), events, net, safety, skew);
            replicas.add(r);
            net.attach(i, r);
        }
        int keys = 1 + rnd.nextInt(8);
        for (int c = 0; c < opt.clients(); c++) {
            int share = opt.requests() / opt.clients() + (c < opt.requests() % opt.clients() ? 1 : 0);
            SimClient cl = new SimClient(n + c, cfg, links.link(n + c), events, net, rnd.split(), history, keys, share,
                    rnd.nextInt(2000), this::progress);
            clients.add(cl);
            net.attach(n + c, cl);
        }
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
        clients.forEach(SimClient::start);
        String liveness = null;
        while (!allDone()) {
            long limit = Math.max(plan.healAt(), lastProgress) + PROGRESS_WINDOW_US;
            if (!events.step(limit)) {
                liveness = livenessReport(limit);
                break;
            }
            if (!safety.violations.isEmpty()) break;
        }
        List<String> violations = new ArrayList<>(safety.violations);
        LinearizabilityChecker.Result lin = LinearizabilityChecker.check(history.ops);
        if (!lin.linearizable()) violations.add("history not linearizable: " + lin.detail());
        return new Outcome(opt, committed, events.now() / 1000, violations, liveness, safety.checkpointsCompared(),
                lin.exhausted(), plan.describe() + " K=" + cfg.checkpointInterval() + " batch<=" + cfg.maxBatchRequests()
                + " inflight<=" + cfg.maxInFlightBatches(), net.sent, net.dropped);
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
        for (SimReplica r : replicas) {
            b.append(" [").append(r.core.id()).append(" executed=").append(r.core.lastExecuted())
                    .append(" h=").append(r.core.lowWaterMark()).append(" knownStable=").append(r.core.knownStable())
                    .append(" pending=").append(r.core.pendingRequests()).append(" ignored=").append(r.core.counters().snapshot()).append(']');
        }
        return b.toString();
    }
}
