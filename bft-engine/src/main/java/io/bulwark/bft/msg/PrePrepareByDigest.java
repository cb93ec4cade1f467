package io.bulwark.bft.msg;

import io.bulwark.bft.crypto.Digest;
import io.bulwark.bft.crypto.Digests;
import java.util.ArrayList;
import java.util.List;

/**
 * A PRE-PREPARE whose large requests travel by digest: the separate request transmission of the
 * BFT library (Castro and Liskov, TOCS 2002, "separate request transmission"). Clients multicast
 * every request to all replicas; a primary that batches a request of at least its threshold's
 * operation bytes names it here by digest ({@link RequestRef}) instead of sending it again to every
 * backup, so its outgoing bytes per request do not grow with the request.
 * <p>
 * It stands for exactly one {@link PrePrepare}: the same view, number, non-deterministic input and
 * batch digest ({@link Digests#batch} is over request digests, so a reference and the request it
 * names hash alike). A backup accepts it only once it holds every named request as its client sent
 * it (authenticated on arrival) and then handles the full pre-prepare it stands for; until then it
 * waits, and fetches the batch body by digest if the request does not come (section 4.6.1's
 * FETCH-BATCH). Retransmissions, view changes and fetched bodies carry the full {@link PrePrepare}.
 */
public record PrePrepareByDigest(long view, long seq, Digest digest, byte[] nonDet, List<BatchEntry> batch) implements Message {

    /** The form of {@code pp} that names every request of at least {@code minBytes} operation bytes; null if none is that large. */
    public static PrePrepareByDigest of(PrePrepare pp, int minBytes) {
        List<BatchEntry> entries = null;
        List<Request> batch = pp.batch();
        for (int i = 0; i < batch.size(); i++) {
            Request q = batch.get(i);
            if (q.operation().length < minBytes) continue;
            if (entries == null) entries = new ArrayList<>(batch);
            entries.set(i, RequestRef.of(q));
        }
        return entries == null ? null : new PrePrepareByDigest(pp.view(), pp.seq(), pp.digest(), pp.nonDet(), List.copyOf(entries));
    }

    /** The batch digest over these entries, as {@link PrePrepare#batchDigest} computes it over the requests they name. */
    public Digest batchDigest() {
        Digests.BatchDigest d = Digests.batch(nonDet, batch.size());
        for (BatchEntry e : batch) {
            if (e instanceof Request q) d.request(q.client(), q.timestamp(), q.readOnly(), q.operation());
            else d.requestDigest(((RequestRef) e).digest());
        }
        return d.done();
    }

    /** The full pre-prepare, given the request each entry names (the requests in batch order). */
    public PrePrepare withRequests(List<Request> requests) {
        return new PrePrepare(view, seq, digest, nonDet, List.copyOf(requests));
    }
}
