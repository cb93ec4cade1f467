package io.bulwark.bft.sim;

import io.bulwark.bft.config.ProtocolConfig;
import io.bulwark.bft.service.KvService;
import io.bulwark.bft.service.Service;
import io.bulwark.bft.sim.adversary.Adversary;
import io.bulwark.bft.sim.adversary.AdversaryPlan;
import io.bulwark.bft.sim.adversary.Coverage;
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
 * each correct client's outstanding request must complete within {@link #clientBoundUs} of the
 * heal or of its invocation, whichever is later — per client, so one client's replies do not
 * excuse another's wait.
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
                          double dropRate, double duplicateRate, Workload workload, int sessionRequests, boolean noOutages) {
        public Options {
            adversaries = List.copyOf(adversaries);
            if (sessionRequests < 0) throw new IllegalArgumentException("requests per client session must not be negative, was " + sessionRequests);
            if (sessionRequests > 0 && !wire) throw new IllegalArgumentException("short-lived clients need the wire links (they exchange keys)");
        }

        /** Long-lived clients (keys set up before the run). */
        public Options(long seed, int f, int requests, int clients, boolean wire, List<Adversary> adversaries,
                       double dropRate, double duplicateRate, Workload workload) {
            this(seed, f, requests, clients, wire, adversaries, dropRate, duplicateRate, workload, 0, false);
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
            return new Options(seed, f, requests, clients, wire, adversaries, dropRate, duplicateRate, w, sessionRequests, noOutages);
        }

        /**
         * Short-lived clients (issue 15 item 2): every {@code perSession} requests a client is a new
         * process under the same id — fresh keys in a NEW-KEY over the delaying network, then its
         * requests once the replicas acknowledged the key. 0: long-lived clients.
         */
        public Options withShortLivedClients(int perSession) {
            return new Options(seed, f, requests, clients, wire, adversaries, dropRate, duplicateRate, workload, perSession, noOutages);
        }

        /** With {@code none}, no replica is stopped or partitioned by the fault plan (adversaries may still isolate one). */
        public Options withoutOutages(boolean none) {
            return new Options(seed, f, requests, clients, wire, adversaries, dropRate, duplicateRate, workload, sessionRequests, none);
        }

        /** The CLI command that replays this run (the built-in workload; another workload names itself). */
        public String replayCommand() {
            if (workload != null) return "workload " + workload.name() + ", seed " + seed + ", f=" + f + ", " + requests
                    + " requests, " + clients + " clients" + (wire ? "" : ", plain links") + ", adversaries " + Adversary.labels(adversaries);
            return "./bulwark sim --seeds 1 --seed " + seed + " --f " + f + " --requests " + requests + " --clients " + clients
                    + (wire ? "" : " --plain") + " --adversary " + Adversary.labels(adversaries)
                    + (Double.isNaN(dropRate) ? "" : String.format(Locale.ROOT, " --drop-rate %s", dropRate))
                    + (Double.isNaN(duplicateRate) ? "" : String.format(Locale.ROOT, " --dup-rate %s", duplicateRate))
                    + (sessionRequests == 0 ? "" : " --short-lived-clients " + sessionRequests) + (noOutages ? " --no-outages" : "");
        }
    }

    /**
     * What happened. {@code maxView} is the highest view any correct replica reached;
     * {@code adversaries} the ones this run had; {@code rejected} the payloads links refused
     * (forged MACs, partial authenticators, undecodable frames). {@code keysChecked} and
     * {@code unknownKeys} are the linearizability checker's: keys whose search went past its budget
     * are unknown, which is not a pass. {@code maxClientWaitUs} is the longest a correct client
     * waited for a request after the heal (from the heal or its invocation, whichever is later),
     * {@code maxClientWaitBoundUs} the bound that wait was held to; {@code adversaryActions} counts
     * what each adversary actually did (see {@link Coverage}); {@code finalReplicasCompared} how many
     * correct replicas' final pages were compared byte for byte with another's (0: fewer than two
     * had executed everything).
     */
    public record Outcome(Options options, long committed, long simulatedMs, List<String> safetyViolations,
                          String livenessFailure, int checkpointsCompared, int keysChecked, int unknownKeys,
                          String faults, long messages, long dropped, long maxView, List<Adversary> adversaries, long rejected,
                          long stateTransfers, long pagesTransferred, long clockSkewRejects,
                          java.util.Map<Adversary, Long> adversaryActions, long maxClientWaitUs, long maxClientWaitBoundUs,
                          int finalReplicasCompared, ScheduleCoverage schedule, long quarantines, long authFailures, long clientSessions,
                          CompromiseReport compromise, long authFailureSuspicions) {
        /**
         * Without the AUTH-FAILURE suspicions ({@code authFailureSuspicions}: times f+1 AUTH-FAILUREs
         * made a correct replica suspect its primary, a vote for a view change; summed over replicas).
         */
        public Outcome(Options options, long committed, long simulatedMs, List<String> safetyViolations,
                       String livenessFailure, int checkpointsCompared, int keysChecked, int unknownKeys,
                       String faults, long messages, long dropped, long maxView, List<Adversary> adversaries, long rejected,
                       long stateTransfers, long pagesTransferred, long clockSkewRejects,
                       java.util.Map<Adversary, Long> adversaryActions, long maxClientWaitUs, long maxClientWaitBoundUs,
                       int finalReplicasCompared, ScheduleCoverage schedule, long quarantines, long authFailures, long clientSessions,
                       CompromiseReport compromise) {
            this(options, committed, simulatedMs, safetyViolations, livenessFailure, checkpointsCompared, keysChecked, unknownKeys,
                    faults, messages, dropped, maxView, adversaries, rejected, stateTransfers, pagesTransferred, clockSkewRejects,
                    adversaryActions, maxClientWaitUs, maxClientWaitBoundUs, finalReplicasCompared, schedule, quarantines, authFailures,
                    clientSessions, compromise, 0);
        }

        /** Without a compromised replica ({@code compromise}: what the compromised-replica adversary came to, see {@link Compromise}). */
        public Outcome(Options options, long committed, long simulatedMs, List<String> safetyViolations,
                       String livenessFailure, int checkpointsCompared, int keysChecked, int unknownKeys,
                       String faults, long messages, long dropped, long maxView, List<Adversary> adversaries, long rejected,
                       long stateTransfers, long pagesTransferred, long clockSkewRejects,
                       java.util.Map<Adversary, Long> adversaryActions, long maxClientWaitUs, long maxClientWaitBoundUs,
                       int finalReplicasCompared, ScheduleCoverage schedule, long quarantines, long authFailures, long clientSessions) {
            this(options, committed, simulatedMs, safetyViolations, livenessFailure, checkpointsCompared, keysChecked, unknownKeys,
                    faults, messages, dropped, maxView, adversaries, rejected, stateTransfers, pagesTransferred, clockSkewRejects,
                    adversaryActions, maxClientWaitUs, maxClientWaitBoundUs, finalReplicasCompared, schedule, quarantines, authFailures,
                    clientSessions, CompromiseReport.NONE);
        }

        /**
         * Without the client-key figures. {@code quarantines}: offences the correct replicas recorded
         * against clients (the big-MAC defence), summed; {@code authFailures}: AUTH-FAILUREs correct
         * replicas sent; {@code clientSessions}: short-lived client processes started (0: long-lived clients).
         */
        public Outcome(Options options, long committed, long simulatedMs, List<String> safetyViolations,
                       String livenessFailure, int checkpointsCompared, int keysChecked, int unknownKeys,
                       String faults, long messages, long dropped, long maxView, List<Adversary> adversaries, long rejected,
                       long stateTransfers, long pagesTransferred, long clockSkewRejects,
                       java.util.Map<Adversary, Long> adversaryActions, long maxClientWaitUs, long maxClientWaitBoundUs,
                       int finalReplicasCompared, ScheduleCoverage schedule) {
            this(options, committed, simulatedMs, safetyViolations, livenessFailure, checkpointsCompared, keysChecked, unknownKeys,
                    faults, messages, dropped, maxView, adversaries, rejected, stateTransfers, pagesTransferred, clockSkewRejects,
                    adversaryActions, maxClientWaitUs, maxClientWaitBoundUs, finalReplicasCompared, schedule, 0, 0, 0);
        }

        /** Safe, live, and every key's linearizability decided. */
        public boolean ok() { return safetyViolations.isEmpty() && livenessFailure == null && unknownKeys == 0; }

        /** As {@link #ok()}, but unknown keys allowed (an explicit choice: {@code sim --allow-unknown}). */
        public boolean ok(boolean allowUnknown) { return safetyViolations.isEmpty() && livenessFailure == null && (allowUnknown || unknownKeys == 0); }

        /** The main adversary of this run (the first placed), or null. */
        public Adversary mainAdversary() { return adversaries.isEmpty() ? null : adversaries.get(0); }
    }

    /**
     * While no correct client has a request outstanding after the heal (or before it), the run must
     * still get somewhere within this long; and the replicas must catch up within it once the clients
     * are done. Clients' own waits are held to the much tighter {@link #clientBoundUs}.
     */
    static final long PROGRESS_WINDOW_US = 20_000_000;

    /**
     * How long after {@code max(heal, invocation)} a correct client's request may take, given the
     * largest view-change timeout {@code timeoutMs} a correct replica runs at that moment. After the
     * heal every message arrives and at most f replicas are faulty, so, in the worst case:
     * <ol>
     *   <li>the request reaches the replicas at the client's next retransmission: at most its longest
     *       backoff, {@code clientRetransmitMs << 4};</li>
     *   <li>up to f faulty primaries in a row each cost one view change, and the first correct one's
     *       view change completes: f + 1 view-change timeouts, doubling from {@code timeoutMs}
     *       (capped at 64 times the base, as in Replica), as consecutive view changes do;</li>
     *   <li>then ordering, executing and replying, plus fetching what a replica missed, take a few
     *       status periods: two base view-change timeouts cover them with room to spare.</li>
     * </ol>
     * A wait beyond this is a liveness failure of that client.
     */
    static long clientBoundUs(ProtocolConfig cfg, long timeoutMs) {
        long cap = cfg.viewChangeTimeoutMs() << 6;
        long us = (cfg.clientRetransmitMs() << 4) + 2 * cfg.viewChangeTimeoutMs();
        long t = Math.min(Math.max(timeoutMs, cfg.viewChangeTimeoutMs()), cap);
        for (int i = 0; i <= cfg.f(); i++, t = Math.min(2 * t, cap)) us += t;
        return us * 1000;
    }

    private final Options opt;
    private final SplittableRandom rnd;
    private final EventQueue events = new EventQueue();
    private final SafetyMonitor safety = new SafetyMonitor();
    /** What the adversaries actually did (see {@link Coverage}). */
    private final Coverage coverage = new Coverage();
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
    /** Per correct client: from when its outstanding request's wait counts (µs), and its deadline; -1 when none. */
    private long[] waitFrom, deadline;
    /** The earliest of {@link #deadline}, or Long.MAX_VALUE. */
    private long nextDeadline = Long.MAX_VALUE;
    private long maxWaitUs, maxWaitBoundUs;
    private boolean healed;
    /** The interesting schedules this run went through, counted from the network (issue 18). */
    private final CoverageMonitor schedule;
    /** Issue 15 item 3: no correct replica alone in a view for longer than the bound after the heal. */
    private final LeftAloneOracle leftAlone;
    /** RESTART: [crash, restart] times (simulated microseconds) of its replica. */
    private final List<long[]> restarts = new ArrayList<>();
    /** The watchdog's reboot in this run: [replica, down at, up at] (simulated µs), or null. */
    private long[] proactiveReboot;
    /** Watchdog reboots of a primary that stepped down first. */
    private long stepDowns;
    private boolean proactiveRecovery = true;
    /** A link-level adversary (forger, replayer, route hijacker) is on the network in this run. */
    private boolean tampered;
    /** COMPROMISED: the replicas the adversary takes in turn (empty when not in this run), and its schedule. */
    private int[] victims = new int[0];
    private Compromise compromise;
    /** POWER_LOSS: when every correct replica crashes, and when each comes back; empty when not in this run. */
    private long powerLossAt = -1;
    private long[] powerBackAt;

    public Simulation(Options opt) {
        this.opt = opt;
        this.rnd = new SplittableRandom(opt.seed());
        int n = 3 * opt.f() + 1;
        // Small checkpoint intervals so that a short run goes through many checkpoints and log truncations.
        int k = 4 << rnd.nextInt(4);
        // Requests by digest (issue 16 item 2) in half the seeds: every request, or the writes only (the
        // key-value writes are about 20 bytes, the reads about 10). Drawn apart from the run's other
        // randomness, so the seeds without it keep their schedules.
        int byDigest = switch (new SplittableRandom(opt.seed() * 0xD1B54A32D192ED03L + 0x8CB92BA72F3D8DD7L).nextInt(4)) {
            case 0 -> 1;
            case 1 -> 16;
            default -> Integer.MAX_VALUE;
        };
        this.cfg = new ProtocolConfig(opt.f(), k, 2 * k, 1 + rnd.nextInt(64), 64 * 1024, 1 + rnd.nextInt(Math.min(8, k)),
                20, 60, 200, 1_000, 4096, 4096, ProtocolConfig.PAGE_SIZE).withRequestByDigestBytes(byDigest);
        SplittableRandom adv = new SplittableRandom(opt.seed() * 0x9E3779B97F4A7C15L + 0x632BE59BD9B4E019L);
        this.adversaries = AdversaryPlan.draw(opt.adversaries(), opt.seed(), opt.f(), n, adv);
        // Byzantine replicas use the fault budget; what is left of it may crash, stop or partition correct
        // replicas until the network heals (issue 21: a Byzantine replica meets a stopped or lagging one).
        FaultPlan drawn = FaultPlan.draw(rnd.split(), opt.f(), n, Math.max(0, opt.f() - adversaries.byzantineReplicas()))
                .withRates(opt.dropRate(), opt.duplicateRate());
        if (opt.noOutages()) drawn = drawn.withoutOutages();
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
        int restarting = adversaries.replicaOf(Adversary.RESTART);
        if (restarting >= 0) {
            // One to three crashes, each followed by a restart from the last saved checkpoint.
            long at = adv.nextLong(5_000, 200_000);
            for (int i = 1 + adv.nextInt(3); i > 0; i--) {
                long down = adv.nextLong(1_000, 150_000);
                restarts.add(new long[] {at, at + down});
                at += down + adv.nextLong(20_000, 200_000);
            }
            drawn = drawn.healingNoEarlierThan(at);
        }
        if (adversaries.exercised().contains(Adversary.POWER_LOSS)) {
            // Whole-group crash under load (issue 12 item 6); each replica is back within 200 ms.
            powerLossAt = adv.nextLong(20_000, 400_000);
            powerBackAt = new long[n];
            long last = powerLossAt;
            for (int i = 0; i < n; i++) last = Math.max(last, powerBackAt[i] = powerLossAt + adv.nextLong(1_000, 200_000));
            drawn = drawn.healingNoEarlierThan(last);
        }
        int compromised = adversaries.replicaOf(Adversary.COMPROMISED);
        SplittableRandom compromiseRandom = null;
        if (compromised >= 0) {
            // Issue 12 item 6: f+1 replicas taken in turn (more than f over the run, one at a time): the plan's,
            // then others no adversary has. Drawn from its own stream, as the watchdog below.
            compromiseRandom = new SplittableRandom(opt.seed() * 0x9FB21C651E98DF25L + 0x6A09E667F3BCC909L);
            List<Integer> free = new ArrayList<>();
            for (int j = 0; j < n; j++) {
                final int jj = j;
                if (adversaries.assignments().stream().noneMatch(a -> a.replica() == jj)) free.add(j);
            }
            List<Integer> chosen = new ArrayList<>(List.of(compromised));
            while (chosen.size() < opt.f() + 1 && !free.isEmpty()) chosen.add(free.remove(compromiseRandom.nextInt(free.size())));
            victims = chosen.stream().mapToInt(Integer::intValue).toArray();
        }
        // Proactive recovery in every run (issue 12 item 6): one correct replica, not one an adversary
        // drives, is rebooted by its watchdog — down 1 to 50 ms, then restored from its disk and
        // recovered (section 4.4). Drawn from its own stream, so the rest of the seed's schedule stays.
        SplittableRandom watchdog = new SplittableRandom(opt.seed() * 0xD1B54A32D192ED03L + 0x2545F4914F6CDD1DL);
        int rebooted = watchdog.nextInt(n);
        // A reboot is an outage (of the primary, a view change): runs without outages have none.
        if (!opt.noOutages() && !adversaries.byzantine(rebooted) && !isVictim(rebooted) && rebooted != adversaries.replicaOf(Adversary.RESTART)
                && rebooted != adversaries.replicaOf(Adversary.LAGGING) && powerLossAt < 0) {
            long at = watchdog.nextLong(20_000, 400_000);
            proactiveReboot = new long[] {rebooted, at, at + watchdog.nextLong(1_000, 50_000)};
            drawn = drawn.healingNoEarlierThan(proactiveReboot[2]);
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
            // A replica the adversary will compromise starts correct; it shares the run's coverage.
            SimReplica r = isVictim(i) ? new SimReplica(i, cfg, newService(), servicePages(), clientCount, links.get(i), events, net, safety, skew,
                    List.of(), null, coverage)
                    : behaviours.isEmpty()
                    ? new SimReplica(i, cfg, newService(), servicePages(), clientCount, links.get(i), events, net, safety, skew)
                    : byzantine(i, skew, behaviours, adv);
            for (ReplicaBehaviour b : behaviours)
                if (b instanceof io.bulwark.bft.sim.adversary.StaleReader s) r.staleReads(new StaleState(newService(), servicePages(), clientCount, s.lagBatches()));
            replicas.add(r);
            net.attach(i, r);
        }
        if (powerLossAt >= 0 || !restarts.isEmpty()) {
            // A disk: journal writes take 20 µs to 2 ms to sync, and the sends after them wait. Drawn
            // apart from the run's other randomness so that runs without these faults keep their schedules.
            SplittableRandom disks = new SplittableRandom(opt.seed() * 0xBF58476D1CE4E5B9L + 0x94D049BB133111EBL);
            long fsyncUs = disks.nextLong(20, 2_000);
            for (SimReplica r : replicas) r.disk(fsyncUs, disks.split());
        }
        int keys = 1 + rnd.nextInt(8);
        for (int c = 0; c < opt.clients(); c++) {
            int share = opt.requests() / opt.clients() + (c < opt.requests() % opt.clients() ? 1 : 0);
            SplittableRandom clientRandom = rnd.split();
            Workload.ClientScript script = opt.workload() == null ? null : opt.workload().client(n + c, clientRandom.split());
            int index = c;
            SimClient cl = new SimClient(n + c, cfg, links.get(n + c), events, net, clientRandom, history, keys, share,
                    rnd.nextInt(2000), () -> invoked(index), () -> completed(index), script, safety, adversaries.readsAfterWrites(),
                    opt.sessionRequests());
            clients.add(cl);
            net.attach(n + c, cl);
        }
        for (int b = 0; b < clientAdversaries.size(); b++) {
            int id = n + opt.clients() + b;
            Adversary a = clientAdversaries.get(b);
            SimByzantineClient bc = new SimByzantineClient(id, cfg, links.get(id), events, net, adv.split(), history, keys,
                    () -> !allDone(), port -> AdversaryPlan.client(a, port), coverage);
            byzantineClients.add(bc);
            net.attach(id, bc);
        }
        for (io.bulwark.bft.sim.adversary.MessageScheduler s : adversaries.schedulers(cfg, plan.healAt(), adv.split())) net.schedule(s);
        this.schedule = new CoverageMonitor(n, j -> replicas.get(j).correct(), j -> replicas.get(j).core.lastExecuted());
        this.leftAlone = new LeftAloneOracle(n, j -> replicas.get(j).correct(), j -> replicas.get(j).core.view(),
                j -> replicas.get(j).core.viewActive(), () -> clientBoundUs(cfg, largestTimeoutMs()));
        net.observe(schedule);
        for (Adversary a : adversaries.ofKind(Adversary.Kind.NETWORK)) {
            if (a.isScheduler() || a == Adversary.POWER_LOSS) continue;   // power loss is driven by run()
            SplittableRandom tapRandom = adv.split();
            NetworkTap tap = AdversaryPlan.tap(a, tapRandom);
            tampered = true;
            if (tap instanceof RouteHijacker h) hijackers.add(h);
            net.tap(tap, new NetworkTap.TapContext() {
                @Override public long nowUs() { return events.now(); }
                @Override public int replicas() { return n; }
                @Override public int principals() { return net.principals(); }
                @Override public SplittableRandom random() { return tapRandom; }
                @Override public void inject(int from, int to, Object payload, long delayUs) { net.inject(from, to, payload, delayUs); }
                @Override public Object forge(Object payload) { return Link.forge(payload, tapRandom); }
                @Override public boolean replayableElsewhere(Object payload) { return Link.replayableElsewhere(payload); }
                @Override public void acted(Adversary adversary) { coverage.acted(adversary); }
                @Override public boolean hijack(int victim, int target) {
                    List<Object> captured = linkMaker.captured(victim, target);
                    if (captured.isEmpty() || !links.get(target).bindsOnNewLink(captured)) return false;
                    net.divert(target, victim);
                    return true;
                }
            });
        }
        this.adversaryRandom = adv.split();
        if (victims.length > 0) {
            Compromise.World world = new Compromise.World(events, net, linkMaker, links, replicas, clients, safety, coverage, this::newService,
                    plan.baseLatencyUs());
            compromise = new Compromise(world, n, victims, compromiseRandom.nextLong(10_000, 80_000), compromiseRandom.split());
        }
    }

    private boolean isVictim(int replica) {
        for (int v : victims) if (v == replica) return true;
        return false;
    }

    /**
     * A control of the oracle for correct clients taken for attackers: the first client's requests
     * authenticate at replica 0 only (a big-MAC client the simulator counts as correct).
     */
    Simulation firstClientsMacsValidAtReplicaZeroOnly() {
        clients.get(0).macsValidAtReplicaZeroOnly = true;
        return this;
    }

    /** A control of the compromised-replica oracle: rebooted replicas do not check their state (see {@link Compromise#withoutStateCheck}). */
    Simulation compromisedReplicasSkipTheirStateCheck() {
        if (compromise != null) compromise.withoutStateCheck();
        return this;
    }

    /** A control of the compromised-replica oracle: reboots do not evict the adversary (see {@link Compromise#stillInControl}). */
    Simulation compromisedReplicasStayInTheAdversarysHands() {
        if (compromise != null) compromise.stillInControl();
        return this;
    }

    private SimReplica byzantine(int id, long skew, List<ReplicaBehaviour> behaviours, SplittableRandom adv) {
        // Its core sends every pre-prepare whole, so that the behaviours that rewrite pre-prepares
        // (equivocation, wrong digests, mutations) rewrite all of them; PhantomRequest names by digest itself.
        return new SimReplica(id, cfg.withRequestByDigestBytes(Integer.MAX_VALUE), newService(), servicePages(), clientCount, links.get(id), events, net, safety, skew, behaviours, adv.split(), coverage);
    }

    private Service newService() { return opt.workload() == null ? new KvService() : opt.workload().newService(); }

    private int servicePages() { return opt.workload() == null ? 16 : opt.workload().pages(); }

    private static List<ReplicaBehaviour> withSplit(TwinSplit split, List<ReplicaBehaviour> rest) {
        List<ReplicaBehaviour> out = new ArrayList<>(rest);
        out.add(split);   // last: whatever the others make of a message, it only reaches this twin's group
        return out;
    }

    private void invoked(int c) {
        if (healed) startWait(c, events.now());
    }

    private void completed(int c) {
        committed++;
        lastProgress = events.now();
        if (waitFrom[c] >= 0) {
            long waited = events.now() - waitFrom[c];
            if (waited > maxWaitUs) {
                maxWaitUs = waited;
                maxWaitBoundUs = deadline[c] - waitFrom[c];
            }
            waitFrom[c] = deadline[c] = -1;
            updateNextDeadline();
        }
    }

    /** The network heals: every correct client with a request outstanding starts its wait now. */
    private void heal() {
        healed = true;
        leftAlone.arm(events.now());
        for (int c = 0; c < clients.size(); c++) if (clients.get(c).invokedAtUs() >= 0) startWait(c, events.now());
    }

    private void startWait(int c, long from) {
        waitFrom[c] = from;
        deadline[c] = from + clientBoundUs(cfg, largestTimeoutMs());
        nextDeadline = Math.min(nextDeadline, deadline[c]);
    }

    /** The largest view-change timeout a correct replica runs now. */
    private long largestTimeoutMs() {
        long timeout = 0;
        for (SimReplica r : replicas) if (r.correct()) timeout = Math.max(timeout, r.core.viewChangeTimeoutMs());
        return timeout;
    }

    private void updateNextDeadline() {
        nextDeadline = Long.MAX_VALUE;
        for (long d : deadline) if (d >= 0) nextDeadline = Math.min(nextDeadline, d);
    }

    /** {@code count} summed over the correct replicas. */
    private long overCorrect(java.util.function.ToLongFunction<SimReplica> count) {
        long n = 0;
        for (SimReplica r : replicas) if (r.correct()) n += count.applyAsLong(r);
        return n;
    }

    /** Pre-prepared records correct replicas lost at crashes (their PREPAREs may have left). */
    private long prePreparedLost() { return overCorrect(r -> r.journal.prePreparedLost); }

    /** Pre-prepares correct replicas refused after a restart, at numbers where they may have voted before it. */
    private long forgottenVotes() { return overCorrect(SimReplica::forgottenVotes); }

    /** Times correct restarted primaries withheld proposals in the view they may have proposed in and forgotten. */
    private long proposalsWithheld() { return overCorrect(SimReplica::proposalsWithheld); }

    /** Committed records correct replicas lost at crashes (they rode on no fsync yet). */
    private long committedLost() { return overCorrect(r -> r.journal.committedLost); }

    private long journalReplays() { return overCorrect(r -> r.journalReplays); }

    /** Over correct replicas: estimations completed (1) or recoveries finished (2), see Replica.estimationCounts. */
    private long estimationCount(int which) {
        long n = 0;
        for (SimReplica r : replicas) if (r.correct()) n += r.core.estimationCounts()[which];
        return n;
    }

    /** Over correct replicas: full recoveries (section 4.4: recovery request answered, recovery point stable) completed. */
    private long recoveriesCompleted() {
        long n = 0;
        for (SimReplica r : replicas) if (r.correct()) n += r.core.recoveryCounts()[3];
        return n;
    }

    /** Without the watchdog's reboot (tests whose schedule is exact). */
    Simulation withoutProactiveRecovery() {
        proactiveRecovery = false;
        return this;
    }

    /** A test of the oracles only: restarted replicas ignore their journals (they forget their votes and what they executed since their saved checkpoint). */
    Simulation forgettingJournals() {
        replicas.forEach(r -> r.forgetJournal = true);
        return this;
    }

    public Outcome run() {
        for (FaultPlan.Outage o : plan.outages()) {
            SimReplica r = replicas.get(o.replica());
            events.at(o.from(), () -> { if (o.stopped()) r.stop(); else net.setCutOff(o.replica(), true); });
            events.at(o.to(), () -> { if (o.stopped()) r.resume(); else net.setCutOff(o.replica(), false); });
        }
        waitFrom = new long[clients.size()];
        deadline = new long[clients.size()];
        java.util.Arrays.fill(waitFrom, -1);
        java.util.Arrays.fill(deadline, -1);
        events.at(plan.healAt(), this::heal);
        replicas.forEach(SimReplica::start);
        twins.forEach(SimReplica::start);
        clients.forEach(SimClient::start);
        for (SimByzantineClient b : byzantineClients) b.client.start(b.random().nextLong(1, 500_000));
        int restarting = adversaries.replicaOf(Adversary.RESTART);
        for (long[] r : restarts) {
            SimReplica replica = replicas.get(restarting);
            events.at(r[0], replica::crash);
            events.at(r[1], () -> {
                // One restart in four comes back on a replaced disk: no state, no journal (section 4.4's estimation).
                replica.restartFromSavedCheckpoint(newService(), replica.diskLostOnRestart(4));
                coverage.acted(Adversary.RESTART);
            });
        }
        if (proactiveReboot != null && proactiveRecovery) {
            SimReplica r = replicas.get((int) proactiveReboot[0]);
            events.at(proactiveReboot[1], () -> {
                if (!r.correct()) return;
                // A primary moves the group on first (section 6.3) and goes once its VIEW-CHANGE is
                // durable and sent — or when the reboot cannot wait longer (the node's bound).
                long flushUs = r.stepDown();
                if (flushUs < 0) { r.crash(); return; }
                stepDowns++;
                events.after(Math.min(flushUs + 1, proactiveReboot[2] - proactiveReboot[1] - 1), () -> { if (r.correct() && !r.stopped()) r.crash(); });
            });
            events.at(proactiveReboot[2], () -> { if (r.correct()) r.restartFromSavedCheckpoint(newService()); });
        }
        if (powerLossAt >= 0) {
            for (int i = 0; i < replicas.size(); i++) {
                SimReplica r = replicas.get(i);
                if (!r.correct() || adversaries.byzantine(i)) continue;
                events.at(powerLossAt, r::crash);
                events.at(powerBackAt[i], () -> r.restartFromSavedCheckpoint(newService()));
            }
            events.at(powerLossAt, () -> coverage.acted(Adversary.POWER_LOSS));
        }
        if (compromise != null) compromise.start();
        int flipped = adversaries.replicaOf(Adversary.BIT_FLIP);
        if (flipped >= 0) {
            SimReplica r = replicas.get(flipped);
            SplittableRandom flips = adversaryRandom.split();
            long at = flips.nextLong(50_000, Math.max(50_001, plan.healAt()));
            events.at(at, () -> coverage.acted(Adversary.BIT_FLIP, r.flipBits(1 + flips.nextInt(4), flips)));
            // Half of the time a check finds it soon (as recovery would); else a checkpoint mismatch does.
            if (flips.nextBoolean()) events.at(at + flips.nextLong(1, 500_000), r::checkState);
        }
        String liveness = null;
        while (!allDone()) {
            long window = Math.max(plan.healAt(), lastProgress) + PROGRESS_WINDOW_US;
            long limit = Math.min(window, nextDeadline);
            if (!step(limit)) {
                if (leftAlone.failure() != null) break;
                liveness = limit == window ? "no progress for " + PROGRESS_WINDOW_US / 1000 + " ms after the network healed; " + livenessReport(limit)
                        : clientStarved(limit) + livenessReport(limit);
                break;
            }
            if (!safety.violations.isEmpty()) break;
        }
        if (liveness == null && safety.violations.isEmpty()) liveness = awaitCatchUp();
        // Measured, not failed, where a Byzantine replica may withhold a NEW-VIEW (see
        // ScheduleCoverage.outsideActiveView); with none, every correct replica must install the view.
        String notOneView = liveness == null && safety.violations.isEmpty() ? awaitOneView() : null;
        boolean anyByzantine = false;
        for (int i = 0; i < replicas.size(); i++) anyByzantine |= adversaries.byzantine(i);
        if (notOneView != null && !anyByzantine) liveness = notOneView + " (no replica is Byzantine)";
        // A replica left alone in a view fails the run wherever the oracle saw it (issue 15 item 3).
        boolean alone = leftAlone.failure() != null;
        if (alone && safety.violations.isEmpty()) liveness = leftAlone.failure() + "; " + livenessReport(events.now());
        int finalCompared = 0;
        if (liveness == null && safety.violations.isEmpty()) {
            finalCompared = compareFinalPages();
            if (opt.workload() != null) checkFinalStates();
        }
        List<String> violations = new ArrayList<>(safety.violations);
        String hijacks = "";
        for (RouteHijacker h : hijackers) {
            hijacks += " route-hijack-attempts=" + h.attempts() + " routes-hijacked=" + h.bound();
            // Channel binding must refuse every replayed handshake: one taken is a broken defence.
            if (h.bound() > 0) violations.add(h.bound() + " replayed handshakes bound a link to another principal");
        }
        // A correct replica whose (deterministic) service let an Error through would diverge from the others
        // if it replied; it repairs itself, but in the simulator it means a service that is not deterministic.
        for (SimReplica r : replicas)
            if (r.correct() && r.failedExecutions > 0)
                violations.add("correct replica " + r.core.id() + " failed " + r.failedExecutions + " execution(s): the service let an Error through");
        LinearizabilityChecker.Result lin = opt.workload() == null ? LinearizabilityChecker.check(history.ops(), RegisterModel.INSTANCE)
                : opt.workload().checkHistory();
        if (lin == null) lin = new LinearizabilityChecker.Result(0, List.of(), List.of());
        for (LinearizabilityChecker.Violation v : lin.violations()) violations.add("history not linearizable: " + v.describe());
        long maxView = 0, rejected = 0;
        for (SimReplica r : replicas) if (r.correct()) maxView = Math.max(maxView, r.core.view());
        for (Link l : links) rejected += l.rejected();
        long transfers = 0, pages = 0, skew = 0, quarantines = 0, authFailures = 0, sessions = 0, authSuspicions = 0;
        long byDigestSent = 0, byDigestAwaited = 0, byDigestFetched = 0;
        for (SimClient c : clients) sessions += c.sessions;
        for (SimReplica r : replicas) {
            if (!r.correct()) continue;
            quarantines += r.core.quarantinesImposed();
            authFailures += r.core.authFailuresSent();
            authSuspicions += r.core.authFailureSuspicions();
            byDigestSent += r.core.prePreparesByDigest();
            byDigestAwaited += r.core.prePreparesAwaitedRequests();
            byDigestFetched += r.core.prePreparesFetchedBody();
            transfers += r.core.transfersCompleted();
            pages += r.core.pagesTransferred();
            skew += r.core.counters().ignored(io.bulwark.bft.core.Ignored.CLOCK_SKEW);
        }
        countSimulatorFaults();
        // Issue 15 item 2: with no Byzantine principal in the run — no Byzantine client, replica or
        // compromised one, nothing forging or replaying on the links (delays, drops, outages, crashes
        // and restarts are not Byzantine) — every client is correct and every request it sends
        // authenticates where it is meant to. An AUTH-FAILURE from a correct replica, a quarantine, or
        // a suspicion of the primary they caused is then a correct client mistaken for an attacker:
        // it fails the run. Where a Byzantine principal is present they are measured, not failed (a
        // faulty primary can frame a client, a forger can spoil its MACs).
        boolean byzantinePrincipals = anyByzantine || !byzantineClients.isEmpty() || victims.length > 0 || tampered;
        if (!byzantinePrincipals && (authFailures > 0 || quarantines > 0 || authSuspicions > 0))
            liveness = (liveness == null ? "" : liveness + "; and ") + "a correct client was taken for an attacker (no Byzantine principal in this run): "
                    + "correct replicas sent " + authFailures + " AUTH-FAILUREs, imposed " + quarantines + " quarantines and suspected their primary "
                    + authSuspicions + " times for it" + (liveness == null ? "; " + livenessReport(events.now()) : "");
        return new Outcome(opt, committed, events.now() / 1000, violations, liveness, safety.checkpointsCompared(),
                lin.keys(), lin.unknownKeys().size(), plan.describe() + " K=" + cfg.checkpointInterval() + " batch<=" + cfg.maxBatchRequests()
                + " inflight<=" + cfg.maxInFlightBatches()
                + (cfg.requestByDigestBytes() == Integer.MAX_VALUE ? "" : " byDigest>=" + cfg.requestByDigestBytes()) + " " + adversaries.describe() + hijacks, net.sent, net.dropped,
                maxView, adversaries.exercised(), rejected, transfers, pages, skew, coverage.counts(), maxWaitUs, maxWaitBoundUs, finalCompared,
                schedule.coverage(staleReads(), adversaries.targetedActions(), adversaries.trapSprung(), alone)
                        .withRecovery(journalReplays(), estimationCount(1), recoveriesCompleted()).withOutsideActiveView(notOneView != null)
                        .withStepDowns(stepDowns).withRequestsByDigest(byDigestSent, byDigestAwaited, byDigestFetched)
                        .withCommittedLost(committedLost()).withForgottenVotes(prePreparedLost(), forgottenVotes(), proposalsWithheld()),
                quarantines, authFailures, sessions, compromise == null ? CompromiseReport.NONE : compromise.report(), authSuspicions);
    }

    private long staleReads() {
        long sum = 0;
        for (SimReplica r : replicas) sum += r.staleAnswers();
        return sum;
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
            if (!step(limit)) return leftAlone.failure() != null ? null : "not caught up " + PROGRESS_WINDOW_US / 1000 + " ms after the clients finished; " + livenessReport(limit);
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

    /**
     * The final page bytes of correct replicas agree (see {@link SafetyMonitor#compareFinalPages}):
     * those at the highest last-executed sequence number that two of them share (the clients may be
     * done while one replica executed a batch the others have yet to hear of).
     */
    private int compareFinalPages() {
        long last = -1;
        for (SimReplica r : replicas) {
            if (!r.correct() || r.corrupted() || r.core.lastExecuted() <= last) continue;
            int same = 0;
            for (SimReplica x : replicas) if (x.correct() && !x.corrupted() && x.core.lastExecuted() == r.core.lastExecuted()) same++;
            if (same >= 2) last = r.core.lastExecuted();
        }
        List<Integer> ids = new ArrayList<>();
        List<io.bulwark.bft.state.PartitionTree> trees = new ArrayList<>();
        for (SimReplica r : replicas) {
            // A corrupted replica that no checkpoint exposed yet is the bit-flip oracle's business.
            if (!r.correct() || r.corrupted() || r.core.lastExecuted() != last) continue;
            ids.add(r.core.id());
            trees.add(r.state.tree());
        }
        return safety.compareFinalPages(last, ids, trees);
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

    /**
     * Once the network is healthy and the group idle, every correct replica should be in one active
     * view. One left alone in another view fails the run ({@link LeftAloneOracle}, which keeps
     * watching here); one in the group's view that never installed it is counted
     * ({@link ScheduleCoverage#outsideActiveView}): a description of it, or null.
     */
    private String awaitOneView() {
        long limit = events.now() + PROGRESS_WINDOW_US;
        while (!oneView()) {
            if (!step(limit)) return leftAlone.failure() != null ? null : "correct replicas not in one active view " + PROGRESS_WINDOW_US / 1000
                    + " ms after they caught up: " + leftAlone.views() + "; " + livenessReport(limit);
            if (!safety.violations.isEmpty()) return null;
        }
        return null;
    }

    private boolean oneView() {
        long view = -1;
        for (SimReplica r : replicas) {
            if (!r.correct()) continue;
            if (!r.core.viewActive() || (view >= 0 && r.core.view() != view)) return false;
            view = r.core.view();
        }
        return true;
    }

    /** Runs the next event up to {@code limit} and lets the left-alone oracle look; false at the limit or once that oracle failed. */
    private boolean step(long limit) {
        if (!events.step(limit)) return false;
        leftAlone.check(events.now());
        return leftAlone.failure() == null;
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

    /** The faults the simulator itself brings about count as actions of their adversary when they could matter. */
    private void countSimulatorFaults() {
        int lagging = adversaries.replicaOf(Adversary.LAGGING);
        // A lagging replica's fault mattered when it had to catch up by state transfer.
        if (lagging >= 0) coverage.acted(Adversary.LAGGING, replicas.get(lagging).core.transfersCompleted());
        // The aimed adversaries (issues 17, 18) count their own steps; a stale reader acts when it answers from an old state.
        for (var e : adversaries.targetedActionsByAdversary().entrySet()) coverage.acted(e.getKey(), e.getValue());
        coverage.acted(Adversary.STALE_READER, staleReads());
    }

    /** Which correct client waited past its bound. */
    private String clientStarved(long limit) {
        for (int c = 0; c < clients.size(); c++) {
            if (deadline[c] != limit) continue;
            return "client " + clients.get(c).id() + " waited more than " + (deadline[c] - waitFrom[c]) / 1000 + " ms (its bound, see Simulation.clientBoundUs) from "
                    + waitFrom[c] / 1000 + " ms (" + (waitFrom[c] == plan.healAt() ? "the heal" : "its invocation") + ") for its request invoked at "
                    + clients.get(c).invokedAtUs() / 1000 + " ms; ";
        }
        return "";
    }

    private String livenessReport(long limit) {
        StringBuilder b = new StringBuilder("at " + limit / 1000 + " ms simulated (network healed at " + plan.healAt() / 1000 + " ms): ");
        int stuck = 0;
        for (SimClient c : clients) if (!c.done()) stuck++;
        b.append(stuck).append(" clients unfinished; replicas:");
        List<SimReplica> all = new ArrayList<>(replicas);
        all.addAll(twins);
        for (SimReplica r : all) {
            b.append(" [").append(r.core.id()).append(r.correct() ? "" : " byzantine").append(" view=").append(r.core.view()).append(r.core.viewActive() ? "" : " (changing)")
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
