package io.bulwark.bft.core;

import io.bulwark.bft.crypto.Digest;
import io.bulwark.bft.msg.ViewChange.DigestView;
import io.bulwark.bft.msg.ViewChange.PrePreparedEntry;
import io.bulwark.bft.msg.ViewChange.PreparedEntry;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * The PSet and QSet of section 4.5: what prepared and pre-prepared at this replica in earlier views,
 * kept across consecutive view changes so that information is not lost when a view change fails.
 * Entries exist only between the water marks; each QSet entry keeps at most f+2 (digest, view)
 * pairs (possibly f from faulty primaries, one from a correct one, and the null request), so memory
 * is bounded by L × (f+2).
 */
final class PreparedSets {
    private final int maxPairs;
    private TreeMap<Long, PreparedEntry> pset = new TreeMap<>();
    private TreeMap<Long, List<DigestView>> qset = new TreeMap<>();

    PreparedSets(int f) { this.maxPairs = f + 2; }

    /**
     * Figure 2: computes P and Q for a view change that leaves {@code view}, from the slots of that
     * view (all in (h, h+L]) and the sets, then stores P as the PSet and Q as the QSet.
     */
    void leaveView(long view, long h, long high, Map<Long, Slot> slots) {
        TreeSet<Long> seqs = new TreeSet<>();
        seqs.addAll(slots.keySet());
        seqs.addAll(pset.keySet());
        seqs.addAll(qset.keySet());
        TreeMap<Long, PreparedEntry> p = new TreeMap<>();
        TreeMap<Long, List<DigestView>> q = new TreeMap<>();
        for (long n : seqs.subSet(h, false, high, true)) {
            Slot s = slots.get(n);
            if (s != null && (s.prepared || s.committed)) p.put(n, new PreparedEntry(n, s.digest, view));
            else if (pset.containsKey(n)) p.put(n, pset.get(n));
            List<DigestView> old = qset.get(n);
            if (s != null && s.digest != null) {
                List<DigestView> d = new ArrayList<>(old == null ? List.of() : old);
                int same = indexOf(d, s.digest);
                if (same >= 0) d.remove(same);
                else if (d.size() >= maxPairs) d.remove(lowestView(d));
                d.add(new DigestView(s.digest, view));
                q.put(n, List.copyOf(d));
            } else if (old != null) {
                q.put(n, old);
            }
        }
        pset = p;
        qset = q;
    }

    /** Replay: the sets as our VIEW-CHANGE reported them (P and Q are what leaveView stored). */
    void restore(List<PreparedEntry> prepared, List<PrePreparedEntry> prePrepared) {
        pset = new TreeMap<>();
        qset = new TreeMap<>();
        for (PreparedEntry e : prepared) pset.put(e.seq(), e);
        for (PrePreparedEntry e : prePrepared) qset.put(e.seq(), List.copyOf(e.entries()));
    }

    /** Forgets everything above {@code seq} (estimation, section 4.4). */
    void truncateAbove(long seq) {
        pset.tailMap(seq, false).clear();
        qset.tailMap(seq, false).clear();
    }

    /** Forgets everything at or below the new low water mark. */
    void truncate(long h) {
        pset.headMap(h, true).clear();
        qset.headMap(h, true).clear();
    }

    List<PreparedEntry> prepared() { return List.copyOf(pset.values()); }

    List<PrePreparedEntry> prePrepared() {
        List<PrePreparedEntry> out = new ArrayList<>(qset.size());
        for (var e : qset.entrySet()) out.add(new PrePreparedEntry(e.getKey(), e.getValue()));
        return out;
    }

    /** The digests the sets refer to: the batch bodies a replica must keep (section 4.5). */
    Set<Digest> referenced() {
        Set<Digest> out = new HashSet<>();
        for (PreparedEntry e : pset.values()) out.add(e.digest());
        for (List<DigestView> l : qset.values()) for (DigestView dv : l) out.add(dv.digest());
        return out;
    }

    boolean isEmpty() { return pset.isEmpty() && qset.isEmpty(); }

    private static int indexOf(List<DigestView> l, Digest d) {
        for (int i = 0; i < l.size(); i++) if (l.get(i).digest().equals(d)) return i;
        return -1;
    }

    private static int lowestView(List<DigestView> l) {
        int low = 0;
        for (int i = 1; i < l.size(); i++) if (l.get(i).view() < l.get(low).view()) low = i;
        return low;
    }
}
