package io.bulwark.bft.core;

import io.bulwark.bft.config.ProtocolConfig;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The MAC-only defence against Aardvark's "big MAC" client (Clement et al., NSDI 2009): a client
 * whose authenticator is good for the primary but not for enough backups gets its request into a
 * pre-prepare that cannot prepare, which costs a view change. With signatures every replica could
 * check the request before it is ordered; with MACs only the primary can check its own entry. So
 * the replicas learn from the failure instead, and make its repetition rare:
 * <ul>
 *   <li>A backup that cannot authenticate a request in the primary's pre-prepare (and holds no copy
 *       it authenticated itself) multicasts an AUTH-FAILURE naming the client. f+1 of them from
 *       distinct replicas in one view prove that at least one correct replica saw a bad entry in a
 *       request the primary proposed: f faulty replicas alone can never get there.</li>
 *   <li>Each replica then <em>quarantines the client under that view's primary</em>: while that
 *       replica is primary, every replica ignores the client's requests (the primary does not
 *       propose them, the backups neither hold them nor run timers for them), for a time that
 *       doubles with each offence: {@code base << (offences - 1)}, at most {@code base << MAX_DOUBLINGS}.
 *       Offences are forgiven after a quiet period as long as the longest quarantine.</li>
 * </ul>
 * Why under that primary only: the complaints do not say who damaged the authenticator. If the
 * primary is correct, it checked its own entry, so the client (or the network between the client
 * and the primary) did; if the primary is faulty, it may have made the request up. Quarantining the
 * client everywhere would let a faulty primary shut out correct clients under every primary. Here a
 * faulty primary that frames a client loses its view at once (the offence ends the view, see
 * Replica.complaint) and can at worst leave that client unserved in the later views it leads, for
 * the bounded quarantine time; correct primaries keep serving it, and faulty replicas that are not
 * primary cannot get anyone quarantined (f+1 complainers). A link-level forger that damages a correct
 * client's frames on their way to the primary (and its direct copies to the complaining backups)
 * can get it quarantined the same way, for a bounded, expiring time. A big-MAC client costs each
 * primary at most one view change per quarantine period, and the periods double.
 * <p>
 * Deterministic (no clocks or randomness of its own: time comes in as an argument) and bounded: at
 * most {@link #MAX_COMPLAINTS_PER_REPLICA} clients per complaining replica per view (two views kept), and
 * {@link #MAX_CLIENTS} quarantine records (the one expiring first goes when full).
 */
final class ClientQuarantine {
    /** The first quarantine lasts this many view-change timeouts (a view change costs at most about one). */
    static final int BASE_VIEW_CHANGE_TIMEOUTS = 4;
    /** Quarantine time doubles with each offence up to this many times. */
    static final int MAX_DOUBLINGS = 8;
    /** Clients with a quarantine record, at most. */
    static final int MAX_CLIENTS = 4096;
    /** Clients one replica may complain about in one view; further complaints from it are ignored. */
    static final int MAX_COMPLAINTS_PER_REPLICA = 256;

    private final int n;
    private final int f;
    private final long baseMs;

    /** Complaints about the two latest views seen: a replica may have moved on when the last ones come in. */
    private final java.util.TreeMap<Long, ViewComplaints> complaints = new java.util.TreeMap<>();

    /** Per client, the replicas (bit j) that complained about it in one view, and how many clients each replica named. */
    private static final class ViewComplaints {
        final Map<Integer, Long> byClient = new HashMap<>();
        final int[] perReplica;

        ViewComplaints(int n) { perReplica = new int[n]; }
    }

    private static final class Record {
        int offences;
        /** Per primary: the client's requests are ignored while that replica is primary, until this time. */
        final long[] until;
        /** The view of the last offence: at most one per view. */
        long offenceView = -1;

        Record(int n) { until = new long[n]; }

        long latest() {
            long m = Long.MIN_VALUE;
            for (long u : until) m = Math.max(m, u);
            return m;
        }
    }

    private final LinkedHashMap<Integer, Record> records = new LinkedHashMap<>();
    /** Offences recorded (each one a quarantine imposed), for metrics. */
    long offencesRecorded;

    /** @param baseMs the first quarantine's length */
    ClientQuarantine(int n, int f, long baseMs) {
        if (baseMs < 1) throw new IllegalArgumentException("base " + baseMs);
        this.n = n;
        this.f = f;
        this.baseMs = baseMs;
    }

    /** Length of the quarantine for the {@code offences}-th offence (1-based). */
    long quarantineMs(int offences) {
        return baseMs << Math.min(Math.max(0, offences - 1), MAX_DOUBLINGS);
    }

    /**
     * Replica {@code from} complained (AUTH-FAILURE) that a request of {@code client} in a pre-prepare
     * of {@code view}, whose primary is {@code primary}, did not authenticate at it. Returns true when
     * this complaint makes it an offence: the (f+1)-th distinct complainer about the client in this view.
     */
    boolean complaint(long view, int primary, int from, int client, long now) {
        if (from < 0 || from >= n || primary < 0 || primary >= n || client < n || view < 0) return false;
        ViewComplaints vc = complaints.get(view);
        if (vc == null) {
            if (complaints.size() >= 2 && view < complaints.firstKey()) return false;   // too old
            vc = new ViewComplaints(n);
            complaints.put(view, vc);
            while (complaints.size() > 2) complaints.pollFirstEntry();
        }
        Long bits = vc.byClient.get(client);
        long b = bits == null ? 0 : bits;
        if ((b & (1L << from)) != 0) return false;
        if (vc.perReplica[from] >= MAX_COMPLAINTS_PER_REPLICA) return false;
        vc.perReplica[from]++;
        b |= 1L << from;
        vc.byClient.put(client, b);
        if (Long.bitCount(b) != ProtocolConfig.weakQuorum(f)) return false;
        return offence(view, primary, client, now);
    }

    private boolean offence(long view, int primary, int client, long now) {
        Record r = records.get(client);
        if (r == null) {
            if (records.size() >= MAX_CLIENTS) evict(now);
            r = new Record(n);
            records.put(client, r);
        }
        if (r.offenceView == view) return false;
        // Forgiveness: a client that stayed clean for the longest quarantine after its last one ended starts again from one.
        if (r.offences > 0 && now - r.latest() > quarantineMs(MAX_DOUBLINGS + 1)) r.offences = 0;
        r.offences = Math.min(r.offences + 1, MAX_DOUBLINGS + 1);
        r.offenceView = view;
        offencesRecorded++;
        r.until[primary] = Math.max(r.until[primary], now + quarantineMs(r.offences));
        return true;
    }

    /** Drops the record whose quarantines end first (expired ones first of all). */
    private void evict(long now) {
        Integer victim = null;
        long earliest = Long.MAX_VALUE;
        for (Map.Entry<Integer, Record> e : records.entrySet()) {
            long l = e.getValue().latest();
            if (l < earliest) { earliest = l; victim = e.getKey(); }
            if (l <= now) break;   // expired: good enough
        }
        if (victim != null) records.remove(victim);
    }

    /** Whether {@code client}'s requests are to be ignored while {@code primary} is primary. */
    boolean quarantined(int client, int primary, long now) {
        if (records.isEmpty()) return false;
        Record r = records.get(client);
        return r != null && r.until[primary] > now;
    }

    /** Whether any client is quarantined under {@code primary} now (a cheap test before scanning). */
    boolean anyUnder(int primary, long now) {
        if (records.isEmpty()) return false;
        for (Iterator<Record> it = records.values().iterator(); it.hasNext(); ) {
            if (it.next().until[primary] > now) return true;
        }
        return false;
    }

    /** Offences recorded for {@code client} (tests, metrics). */
    int offences(int client) {
        Record r = records.get(client);
        return r == null ? 0 : r.offences;
    }

    int tracked() { return records.size(); }
}
