package io.bulwark.bft.sim.adversary;

import io.bulwark.bft.config.ProtocolConfig;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/**
 * The adversaries of one simulated run, chosen from a pool by the run's seed.
 * <p>
 * The main adversary goes round-robin over the pool by {@code seed / 2}, so two consecutive seeds
 * share it (a campaign alternating f=1 and f=2 covers every adversary with both) and a replay of
 * one seed with the same pool and f picks the same one. Then, from the seed's randomness: with a
 * replica fault left in the budget, another replica adversary half of the time; a client adversary
 * and a network adversary a quarter of the time each. Never more than f replicas are Byzantine.
 * <p>
 * Where each goes: the primary adversaries (silent, slow, equivocating) on replica 0, the primary
 * of view 0; the wrong new-view on replica 1, the primary of view 1; twins on replica 0 half of the
 * time; the others on a random free replica. A lying view-change or a wrong new-view only shows in
 * a view change: when nothing else in the run stalls the view-0 primary, the network isolates it
 * (still correct, still checked) for a while before it heals, which is a network fault, not a
 * replica fault, so the f budget is kept.
 * <p>
 * Cooperating adversaries take all f faulty replicas as the main adversary, under one brain shared
 * by them (issue 21): null-trap (replica 0 and f-1 others, with the network's timing), cooperating
 * (f replicas, replica 0 among them half of the time), stale-reader (f readers with one lag). They
 * never join a run as an extra. Whatever the Byzantine replicas leave of f goes to crashed, stopped
 * or partitioned correct replicas (the simulator's fault plan).
 * <p>
 * The compromised replica takes one fault like any replica adversary, on a random free replica:
 * the first the adversary takes; the simulator picks the f others it takes later, one at a time,
 * among the replicas no adversary of the run has ({@code sim.Compromise}).
 */
public final class AdversaryPlan {

    /** One adversary and where it acts: a replica, or -1 for client and network adversaries. */
    public record Assignment(Adversary adversary, int replica) {}

    private final List<Assignment> assignments;
    private final int n;
    private final long twinGroup;
    private final boolean isolatePrimary;
    /** The shared brains of cooperating replicas (one per run at most), made when the plan is drawn. */
    private final NullTrap trap;
    private final Conspiracy conspiracy;
    /** The schedulers and stale readers made for this run, for their counters. */
    private final List<MessageScheduler> schedulers = new ArrayList<>();

    /** Batches the stale readers of this run lag by (the same for all, so their answers match). */
    private final int staleLag;

    private AdversaryPlan(List<Assignment> assignments, int n, long twinGroup, boolean isolatePrimary, NullTrap trap, Conspiracy conspiracy,
                          int staleLag) {
        this.staleLag = staleLag;
        this.assignments = List.copyOf(assignments);
        this.n = n;
        this.twinGroup = twinGroup;
        this.isolatePrimary = isolatePrimary;
        this.trap = trap;
        this.conspiracy = conspiracy;
    }

    public static AdversaryPlan none(int n) { return new AdversaryPlan(List.of(), n, 0, false, null, null, 1); }

    /** Chooses from {@code pool} for {@code seed} (see the class comment); {@code rnd} is the seed's adversary randomness. */
    public static AdversaryPlan draw(List<Adversary> pool, long seed, int f, int n, SplittableRandom rnd) {
        if (pool.isEmpty()) return none(n);
        List<Assignment> out = new ArrayList<>();
        boolean[] taken = new boolean[n];
        Adversary main = pool.get((int) Math.floorMod(Math.floorDiv(seed, 2), (long) pool.size()));
        NullTrap trap = null;
        Conspiracy conspiracy = null;
        if (main == Adversary.NULL_TRAP) {
            // Issue 18: all f faulty replicas and the network's timing under one brain.
            trap = NullTrap.draw(f, rnd);
            placeAll(main, trap.members(), out, taken);
        } else if (main == Adversary.COOPERATING) {
            long members = 0;
            boolean withPrimary = rnd.nextBoolean();
            List<Integer> free = new ArrayList<>();
            for (int j = withPrimary ? 1 : 0; j < n; j++) free.add(j);
            if (withPrimary) members |= 1;
            while (Long.bitCount(members) < f) members |= 1L << free.remove(rnd.nextInt(free.size()));
            conspiracy = new Conspiracy(n, members, rnd.nextBoolean(), rnd.split());
            placeAll(main, members, out, taken);
        } else if (main == Adversary.STALE_READER) {
            // f stale readers that agree (one lag for all): with f+1 correct replicas behind, a read has 2f+1 stale answers.
            long members = 0;
            while (Long.bitCount(members) < f) members |= 1L << rnd.nextInt(n);
            placeAll(main, members, out, taken);
        } else {
            place(main, out, taken, rnd);
        }
        int staleLag = rnd.nextInt(4) == 0 ? 2 + rnd.nextInt(2) : 1;
        int budget = f - (int) out.stream().filter(a -> a.replica() >= 0).count();
        // The cooperating adversaries take all f replicas as the main one, never as an extra.
        List<Adversary> replicaPool = pool.stream().filter(a -> a.kind == Adversary.Kind.REPLICA && a != main && !a.cooperates()).toList();
        if (budget > 0 && !replicaPool.isEmpty() && rnd.nextBoolean()) place(replicaPool.get(rnd.nextInt(replicaPool.size())), out, taken, rnd);
        for (Adversary.Kind kind : new Adversary.Kind[] {Adversary.Kind.CLIENT, Adversary.Kind.NETWORK}) {
            List<Adversary> kindPool = pool.stream().filter(a -> a.kind == kind && a != main).toList();
            if (!kindPool.isEmpty() && rnd.nextInt(4) == 0) out.add(new Assignment(kindPool.get(rnd.nextInt(kindPool.size())), -1));
        }
        long twinGroup = 0;
        for (Assignment a : out) if (a.adversary() == Adversary.TWINS) twinGroup = EquivocatingPrimary.randomSplit(n, a.replica(), rnd);
        boolean needsTrigger = out.stream().anyMatch(a -> a.adversary() == Adversary.LYING_VIEW_CHANGE || a.adversary() == Adversary.WRONG_NEW_VIEW);
        boolean primaryStalls = out.stream().anyMatch(a -> a.replica() == 0 && (a.adversary() == Adversary.SILENT_PRIMARY
                || a.adversary() == Adversary.EQUIVOCATING_PRIMARY || a.adversary() == Adversary.TWINS || a.adversary() == Adversary.WRONG_DIGEST
                || a.adversary() == Adversary.PHANTOM_REQUEST));
        return new AdversaryPlan(out, n, twinGroup, needsTrigger && !primaryStalls, trap, conspiracy, staleLag);
    }

    private static void placeAll(Adversary a, long members, List<Assignment> out, boolean[] taken) {
        for (int j = 0; j < taken.length; j++) {
            if ((members & (1L << j)) == 0) continue;
            taken[j] = true;
            out.add(new Assignment(a, j));
        }
    }

    private static void place(Adversary a, List<Assignment> out, boolean[] taken, SplittableRandom rnd) {
        int n = taken.length;
        int r = switch (a) {
            case SILENT_PRIMARY, SLOW_PRIMARY, EQUIVOCATING_PRIMARY, PHANTOM_REQUEST -> taken[0] ? -2 : 0;
            case WRONG_NEW_VIEW -> taken[1] ? -2 : 1;
            case TWINS -> !taken[0] && rnd.nextBoolean() ? 0 : free(taken, 0, rnd);
            case LYING_VIEW_CHANGE, LAGGING, BIT_FLIP -> free(taken, 1, rnd);
            case RESTART -> free(taken, 0, rnd);   // the primary of view 0 too
            case FORGED_MAC, REPLAY, ROUTE_HIJACK, EQUIVOCATING_CLIENT, BIG_MAC, FLOOD, PRIMARY_ONLY_CLIENT, COMMIT_LAG, VIEW_CHANGE_STORM, POWER_LOSS -> -1;
            default -> free(taken, 0, rnd);
        };
        if (r == -2) return;   // its replica is taken by another adversary of this run
        if (r >= 0) taken[r] = true;
        out.add(new Assignment(a, r));
    }

    /** A random replica not taken, at or above {@code from}; -2 if none. */
    private static int free(boolean[] taken, int from, SplittableRandom rnd) {
        List<Integer> free = new ArrayList<>();
        for (int j = from; j < taken.length; j++) if (!taken[j]) free.add(j);
        return free.isEmpty() ? -2 : free.get(rnd.nextInt(free.size()));
    }

    public List<Assignment> assignments() { return assignments; }

    /** The adversaries of this run, in the order they were chosen (a cooperating one once). */
    public List<Adversary> exercised() { return assignments.stream().map(Assignment::adversary).distinct().toList(); }

    /** The replica that {@code a} befalls in this run, or -1. */
    public int replicaOf(Adversary a) {
        for (Assignment x : assignments) if (x.adversary() == a) return x.replica();
        return -1;
    }

    /** Number of replicas that take one of the f faults: Byzantine ones (a twin pair counts as one) and correct ones cut off or corrupted. */
    public int byzantineReplicas() { return (int) assignments.stream().filter(a -> a.replica() >= 0).count(); }

    public boolean byzantine(int replica) {
        return assignments.stream().anyMatch(a -> a.replica() == replica && !a.adversary().befallsCorrectReplica());
    }

    /** The replica that has a twin, or -1. */
    public int twin() {
        for (Assignment a : assignments) if (a.adversary() == Adversary.TWINS) return a.replica();
        return -1;
    }

    /** For twins: the replicas (bit set) the second twin talks to; the first twin talks to the others. */
    public long twinGroup() { return twinGroup; }

    /** Whether the network isolates the view-0 primary for a while to bring about a view change. */
    public boolean isolatePrimary() { return isolatePrimary; }

    public List<Adversary> ofKind(Adversary.Kind kind) {
        return assignments.stream().map(Assignment::adversary).filter(a -> a.kind == kind).toList();
    }

    /** The behaviours of replica {@code replica} (empty for a correct one; twins get their split from the simulator). */
    public List<ReplicaBehaviour> behaviours(int replica, ProtocolConfig cfg, SplittableRandom rnd, long healAtUs) {
        List<ReplicaBehaviour> out = new ArrayList<>();
        for (Assignment a : assignments) {
            if (a.replica() != replica) continue;
            switch (a.adversary()) {
                case SILENT_PRIMARY -> out.add(new SilentPrimary(rnd.nextInt(3) == 0 ? 0 : rnd.nextLong(healAtUs + 1)));
                case SLOW_PRIMARY -> out.add(SlowPrimary.justUnder(cfg.viewChangeTimeoutMs(), rnd));
                case EQUIVOCATING_PRIMARY -> out.add(new EquivocatingPrimary(EquivocatingPrimary.randomSplit(n, replica, rnd), rnd));
                case WRONG_DIGEST -> out.add(new WrongDigest(rnd.nextBoolean() ? 1.0 : 0.2 + 0.6 * rnd.nextDouble(), rnd));
                case PHANTOM_REQUEST -> out.add(new PhantomRequest(rnd.nextBoolean() ? 1.0 : 0.2 + 0.6 * rnd.nextDouble(), rnd));
                case WRONG_RESULT -> out.add(new WrongResult(0.5 + 0.5 * rnd.nextDouble(), rnd));
                case CONFLICTING_CHECKPOINTS -> out.add(new ConflictingCheckpoints());
                case LYING_VIEW_CHANGE -> out.add(new LyingViewChange(rnd));
                case WRONG_NEW_VIEW -> out.add(new WrongNewView(rnd));
                case MUTATOR -> out.add(new Mutator(0.05 + 0.25 * rnd.nextDouble(), rnd));
                case BAD_REPLIER -> out.add(new BadReplier(0.5 + 0.5 * rnd.nextDouble(), rnd));
                case STALE_READER -> out.add(new StaleReader(staleLag));
                case NULL_TRAP -> out.add(trap);
                case COOPERATING -> out.add(conspiracy);
                default -> { }
            }
        }
        return out;
    }

    /**
     * What a compromised replica does while the adversary controls it (issue 12 item 6): one of the
     * Byzantine behaviours of the replica adversaries, drawn per window.
     */
    public static ReplicaBehaviour compromisedBehaviour(SplittableRandom rnd) {
        return switch (rnd.nextInt(3)) {
            case 0 -> new WrongResult(0.5 + 0.5 * rnd.nextDouble(), rnd.split());
            case 1 -> new WrongDigest(rnd.nextBoolean() ? 1.0 : 0.2 + 0.6 * rnd.nextDouble(), rnd.split());
            default -> new ConflictingCheckpoints();
        };
    }

    /** The Byzantine client for a client adversary. */
    public static ByzantineClient client(Adversary a, ClientPort port) {
        return switch (a) {
            case EQUIVOCATING_CLIENT -> new EquivocatingClient(port);
            case BIG_MAC -> new BigMacClient(port);
            case FLOOD -> new FloodClient(port);
            case PRIMARY_ONLY_CLIENT -> new PrimaryOnlyClient(port);
            default -> throw new IllegalArgumentException(a + " is not a client adversary");
        };
    }

    /**
     * The schedulers of this run (targeted delays; the null trap's timing), made once: network
     * schedulers know which replicas are faulty, as the adversary that controls both would.
     */
    public List<MessageScheduler> schedulers(ProtocolConfig cfg, long healAtUs, SplittableRandom rnd) {
        if (!schedulers.isEmpty()) return schedulers;
        boolean[] faulty = new boolean[n];
        for (int j = 0; j < n; j++) faulty[j] = byzantine(j);
        for (Adversary a : ofKind(Adversary.Kind.NETWORK)) {
            if (a == Adversary.COMMIT_LAG) schedulers.add(new CommitLag(n, faulty, cfg.viewChangeTimeoutMs(), rnd.split()));
            if (a == Adversary.VIEW_CHANGE_STORM) schedulers.add(new ViewChangeStorm(n, faulty, cfg.viewChangeTimeoutMs(), healAtUs, rnd.split()));
        }
        if (trap != null) schedulers.add(trap);
        return schedulers;
    }

    /** Whether clients should read right after their writes complete (the adversaries aimed at stale reads). */
    public boolean readsAfterWrites() {
        return assignments.stream().anyMatch(a -> a.adversary() == Adversary.STALE_READER || a.adversary() == Adversary.COMMIT_LAG);
    }

    /** Actions of the targeted adversaries of this run (delays imposed, messages withheld or changed). */
    public long targetedActions() {
        long sum = 0;
        for (long n : targetedActionsByAdversary().values()) sum += n;
        return sum;
    }

    /** The same actions per adversary, for the run's {@link Coverage} (a main adversary that never acts fails a campaign). */
    public java.util.Map<Adversary, Long> targetedActionsByAdversary() {
        java.util.Map<Adversary, Long> m = new java.util.EnumMap<>(Adversary.class);
        if (trap != null) m.merge(Adversary.NULL_TRAP, trap.actions, Long::sum);
        if (conspiracy != null) m.merge(Adversary.COOPERATING, conspiracy.actions, Long::sum);
        for (MessageScheduler s : schedulers) {
            if (s instanceof CommitLag c) m.merge(Adversary.COMMIT_LAG, c.delayed, Long::sum);
            if (s instanceof ViewChangeStorm v) m.merge(Adversary.VIEW_CHANGE_STORM, v.delayed, Long::sum);
        }
        return m;
    }

    /** Whether the null trap reached the state it aims at. */
    public boolean trapSprung() { return trap != null && trap.sprung(); }

    /** The tap for a network adversary. */
    public static NetworkTap tap(Adversary a, SplittableRandom rnd) {
        return switch (a) {
            case FORGED_MAC -> new MacForger(0.01 + 0.04 * rnd.nextDouble());
            case REPLAY -> new Replayer(0.005 + 0.025 * rnd.nextDouble());
            case ROUTE_HIJACK -> new RouteHijacker(0.002 + 0.01 * rnd.nextDouble());
            default -> throw new IllegalArgumentException(a + " is not a network adversary");
        };
    }

    public String describe() {
        if (assignments.isEmpty()) return "adversaries=none";
        StringBuilder b = new StringBuilder("adversaries=");
        for (Assignment a : assignments) {
            if (b.charAt(b.length() - 1) != '=') b.append(',');
            b.append(a.adversary().label());
            if (a.replica() >= 0) b.append('@').append(a.replica());
        }
        if (isolatePrimary) b.append(" (replica 0 isolated for a while)");
        return b.toString();
    }
}
