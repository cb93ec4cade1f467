package io.bulwark.bft.sim.adversary;

import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Locale;

/**
 * The adversaries the simulator knows, by the name {@code ./bulwark sim --adversary} takes.
 * Replica adversaries take one of the f faults a run may have; client and network adversaries
 * take none (any number of clients may be faulty, and the network is the adversary's anyway).
 */
public enum Adversary {
    SILENT_PRIMARY(Kind.REPLICA, "the view-0 primary sends nothing while it is primary"),
    SLOW_PRIMARY(Kind.REPLICA, "the view-0 primary holds each pre-prepare just under the view-change timeout"),
    EQUIVOCATING_PRIMARY(Kind.REPLICA, "the view-0 primary sends different batches/orders to two groups of backups, with commits for both"),
    TWINS(Kind.REPLICA, "two correct cores share one identity and keys, each talking to half of the group"),
    WRONG_DIGEST(Kind.REPLICA, "a replica's prepares, commits (and pre-prepares) name a false digest"),
    WRONG_RESULT(Kind.REPLICA, "a replica replies with a plausible false result"),
    CONFLICTING_CHECKPOINTS(Kind.REPLICA, "a replica announces different false checkpoint digests to different replicas"),
    LYING_VIEW_CHANGE(Kind.REPLICA, "a replica's view-changes omit prepared requests and claim unprepared ones"),
    WRONG_NEW_VIEW(Kind.REPLICA, "the view-1 primary's new-view carries a decision that does not follow from its view-changes"),
    MUTATOR(Kind.REPLICA, "ByzzFuzz: a replica sends small-scope mutations of its own valid messages"),
    BAD_REPLIER(Kind.REPLICA, "a replica answers state-transfer fetches with wrong pages and stale or false meta-data"),
    LAGGING(Kind.REPLICA, "a correct backup is cut off for many checkpoints, then catches up by state transfer"),
    BIT_FLIP(Kind.REPLICA, "bits flip in a correct backup's pages; a check or a checkpoint mismatch finds them, state transfer repairs them"),
    FORGED_MAC(Kind.NETWORK, "the network delivers copies of frames with flipped bits or another claimed sender"),
    REPLAY(Kind.NETWORK, "the network replays old authentic frames, to their receiver or (authenticators) to another replica"),
    ROUTE_HIJACK(Kind.NETWORK, "the network opens new links to replicas and replays other principals' NEW-KEYs and bind proofs on them"),
    EQUIVOCATING_CLIENT(Kind.CLIENT, "a client sends different requests under one timestamp to different replicas"),
    BIG_MAC(Kind.CLIENT, "a client's authenticators are valid at some replicas only (Aardvark's big MAC)"),
    FLOOD(Kind.CLIENT, "a client floods bursts of requests without waiting for replies"),
    STALE_READER(Kind.REPLICA, "a replica executes and replies correctly to writes but answers read-only requests from a state some batches old"),
    COMMIT_LAG(Kind.NETWORK, "the network delays COMMITs and PRE-PREPAREs to f+1 chosen correct replicas, so reads meet prepared-not-committed writes"),
    VIEW_CHANGE_STORM(Kind.NETWORK, "a PCT-style scheduler: at random change points one correct replica's messages (or COMMITs, VIEW-CHANGEs) become very slow"),
    NULL_TRAP(Kind.REPLICA, "f cooperating faulty replicas and the network steer two view changes toward a null committed at one correct replica"),
    COOPERATING(Kind.REPLICA, "f faulty replicas under one brain: matching wrong replies, empty and selective VIEW-CHANGEs, selective acks and COMMITs"),
    RESTART(Kind.REPLICA, "a correct replica crashes (journal writes not yet synced are lost, a torn prefix may survive) and restarts from its saved checkpoint and its journal, as bulwark replica --data-dir; one restart in four on a replaced disk, estimating H_M before it votes again"),
    POWER_LOSS(Kind.NETWORK, "every correct replica loses power at once (unsynced journal writes lost, torn prefixes) and restarts from its saved checkpoint and journal: nothing a client saw committed may be lost"),
    PHANTOM_REQUEST(Kind.REPLICA, "the view-0 primary's pre-prepares name by digest requests no client sent, under a consistent batch digest"),
    PRIMARY_ONLY_CLIENT(Kind.CLIENT, "a client sends its requests to the primary alone, so backups must fetch what the primary names by digest"),
    COMPROMISED(Kind.REPLICA, "the adversary controls a replica for a window (wrong results, digests or checkpoints), corrupts its saved state and keeps its session keys; "
            + "the watchdog reboots it and it recovers (section 4.4), while the adversary replays its past messages and forges new ones under the old keys; "
            + "then another replica, once the first is clean: more than f faulty over the run, never more than f at once");

    public enum Kind { REPLICA, CLIENT, NETWORK }

    public final Kind kind;
    public final String description;

    Adversary(Kind kind, String description) {
        this.kind = kind;
        this.description = description;
    }

    /** The command-line name: lower case with dashes. */
    public String label() { return name().toLowerCase(Locale.ROOT).replace('_', '-'); }

    /**
     * A fault that befalls a correct replica (it runs the protocol faithfully and is checked, but is
     * cut off or has its memory corrupted for a while): it takes one of the f faults all the same.
     */
    public boolean befallsCorrectReplica() { return this == LAGGING || this == BIT_FLIP || this == RESTART; }

    /** A network adversary that owns message timing ({@link MessageScheduler}) rather than tapping payloads. */
    public boolean isScheduler() { return this == COMMIT_LAG || this == VIEW_CHANGE_STORM; }

    /** A replica adversary that takes all f faulty replicas under one brain. */
    public boolean cooperates() { return this == NULL_TRAP || this == COOPERATING; }

    /** Whether this adversary is only overcome by a view change (so a run needs one to finish). */
    public boolean needsViewChange() {
        return this == SILENT_PRIMARY || this == EQUIVOCATING_PRIMARY || this == LYING_VIEW_CHANGE || this == WRONG_NEW_VIEW
                || this == NULL_TRAP;
    }

    public static Adversary of(String label) {
        for (Adversary a : values()) if (a.label().equals(label.trim().toLowerCase(Locale.ROOT))) return a;
        throw new IllegalArgumentException("unknown adversary '" + label + "'; known: all, none, " + labels(List.of(values())));
    }

    /** "all", "none", or a comma-separated list of labels (order kept, duplicates dropped). */
    public static List<Adversary> parse(String list) {
        String s = list.trim().toLowerCase(Locale.ROOT);
        if (s.equals("all")) return List.of(values());
        if (s.equals("none") || s.isEmpty()) return List.of();
        EnumSet<Adversary> seen = EnumSet.noneOf(Adversary.class);
        List<Adversary> out = new ArrayList<>();
        for (String part : s.split(",")) {
            Adversary a = of(part);
            if (seen.add(a)) out.add(a);
        }
        return List.copyOf(out);
    }

    /** The inverse of {@link #parse}: "all", "none" or the labels. */
    public static String labels(List<Adversary> list) {
        if (list.isEmpty()) return "none";
        if (list.equals(List.of(values()))) return "all";
        StringBuilder b = new StringBuilder();
        for (Adversary a : list) b.append(b.length() == 0 ? "" : ",").append(a.label());
        return b.toString();
    }
}
