package io.bulwark.bft.core;

import io.bulwark.bft.crypto.Digest;
import io.bulwark.bft.msg.FetchBatch;
import io.bulwark.bft.msg.MessageCodec;
import io.bulwark.bft.msg.NewView;
import io.bulwark.bft.msg.PrePrepare;
import io.bulwark.bft.msg.Request;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;

/**
 * Batch bodies by digest (sections 4.5 A3 and 4.6.1), part of {@link Agreement}: the bodies that the
 * PSet/QSet or a new view refer to ("stores the requests"), the ones asked for with FETCH-BATCH, and
 * the answers to others' FETCH-BATCHes, within a budget per status period.
 */
final class BatchBodies {
    private final Replica r;
    private final Agreement agreement;
    private final Map<Digest, PrePrepare> bodies = new HashMap<>();
    /** Bodies asked for with FETCH-BATCH: digest to sequence number. */
    private final Map<Digest, Long> wanted = new HashMap<>();
    /** FETCH-BATCHes answered per replica in this status period (see {@link #onFetchBatch}). */
    private final int[] fetchBatchAnswers;

    BatchBodies(Replica r, Agreement agreement) {
        this.r = r;
        this.agreement = agreement;
        this.fetchBatchAnswers = new int[r.n];
    }

    PrePrepare get(Digest d) { return bodies.get(d); }

    void put(Digest d, PrePrepare body) { bodies.put(d, body); }

    boolean have(Digest d) { return d.equals(NewView.NULL_REQUEST) || bodies.containsKey(d); }

    int wantedCount() { return wanted.size(); }

    /** A pre-prepare accepted with its body: a FETCH-BATCH for it (a request named by digest that did not come) is not asked again. */
    void bodyAccepted(PrePrepare pp) {
        if (!wanted.isEmpty()) wanted.remove(pp.digest());
    }

    void want(long seq, Digest d) {
        if (bodies.containsKey(d) || wanted.containsKey(d) || wanted.size() >= r.cfg.logSize()) return;
        wanted.put(d, seq);
        r.out.add(new Action.Multicast(new FetchBatch(r.id, seq, d)));
    }

    /**
     * A body we asked for: checked against its digest, so it needs no trust in whoever sent it.
     * {@code unverified} marks its requests whose authenticator entry did not verify here (the frame
     * layer's mark), for a pre-prepare that named them by digest and waits for this body.
     */
    boolean offer(PrePrepare pp, java.util.BitSet unverified) {
        Long seq = wanted.get(pp.digest());
        if (seq == null) return false;
        if (!NonDet.isTime(pp.nonDet()) || !MessageCodec.batchDigest(pp.batch(), pp.nonDet()).equals(pp.digest())) {
            r.counters.ignore(Ignored.BAD_BATCH_DIGEST);
            return true;
        }
        wanted.remove(pp.digest());
        // The digest covers the batch and its time, not the sequence number a replier put on it: keep
        // it under the one we asked for, so garbage collection by sequence number reaches it.
        if (pp.seq() != seq) pp = new PrePrepare(pp.view(), seq, pp.digest(), pp.nonDet(), pp.batch());
        r.catchUp.offerBody(seq, pp);
        // Held in bodies either way: a view change under way asks have(), and a body it did not see
        // would be wanted again at once — and each of the n-1 answers to that FETCH-BATCH would be
        // accepted and want it again, multiplying the requests (sim seed 1171, f=2: millions of
        // messages in one simulated millisecond).
        bodies.put(pp.digest(), pp);
        for (Slot s : agreement.log().values()) {
            if (s.prePrepare == null && pp.digest().equals(s.digest)) {
                s.takeBody(r.view, pp);
                if (r.viewActive) r.persist(new LogEntry.PrePrepared(s.prePrepare));
                if (s.seq > r.lastExecuted) for (Request q : pp.batch()) r.requests.ordered(q);
            }
        }
        if (r.viewActive) agreement.awaitedBody(pp, unverified);
        if (!r.viewActive) r.views.progress();
        else r.afterProgress();
        return true;
    }

    void onFetchBatch(int from, FetchBatch fb) {
        if (!r.fromReplica(from, fb.replica())) return;
        // A body costs far more to send than a FETCH-BATCH: a replica that asks for more than a correct
        // one could in a status period (its whole log, twice) is not answered until the next one.
        if (fetchBatchAnswers[from] >= 2 * r.cfg.logSize()) { r.counters.ignore(Ignored.FETCH_BATCH_BUDGET); return; }
        fetchBatchAnswers[from]++;
        PrePrepare body = bodies.get(fb.digest());
        if (body == null) {
            Slot s = agreement.log().get(fb.seq());
            if (s != null && s.prePrepare != null && fb.digest().equals(s.digest)) body = s.prePrepare;
        }
        if (body == null) {
            Executed e = agreement.executedLog.get(fb.seq());
            if (e != null && fb.digest().equals(e.body().digest())) body = e.body();
        }
        if (body != null) r.out.add(new Action.Send(from, body));
    }

    /** A new status period: a new FETCH-BATCH budget, and the bodies still wanted are asked for again. */
    void onStatusPeriod() {
        Arrays.fill(fetchBatchAnswers, 0);
    }

    void askAgain() {
        for (var w : wanted.entrySet()) r.out.add(new Action.Multicast(new FetchBatch(r.id, w.getValue(), w.getKey())));
    }

    /** Garbage collection: nothing at or below the new low water mark {@code h} is needed. */
    void truncate(long h) {
        bodies.values().removeIf(pp -> pp.seq() <= h);
        wanted.values().removeIf(w -> w <= h);
    }

    /** Leaving a view: only the bodies the view change refers to stay, and nothing is wanted. */
    void retainOnly(Set<Digest> keep) {
        bodies.keySet().retainAll(keep);
        wanted.clear();
    }
}
