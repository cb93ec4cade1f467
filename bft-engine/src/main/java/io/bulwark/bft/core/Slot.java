package io.bulwark.bft.core;

import io.bulwark.bft.crypto.Digest;
import io.bulwark.bft.msg.Commit;
import io.bulwark.bft.msg.PrePrepare;
import io.bulwark.bft.msg.Prepare;

/**
 * What one replica knows about one sequence number in the current view (section 4.2): the batch
 * digest it pre-prepared (from a PRE-PREPARE, or from a NEW-VIEW's decision), the batch body when
 * it has it, the prepares and commits received (one per replica: the first one counts), and the
 * status reached. Memory is bounded: slots exist only between the water marks.
 */
final class Slot {
    final long seq;
    /** The pre-prepared batch digest, or null while nothing is pre-prepared. */
    Digest digest;
    /** The batch body (a PRE-PREPARE of the current view carrying it); null until known. */
    PrePrepare prePrepare;
    /** PREPAREs by replica (the primary's pre-prepare stands for its own). */
    final Certificate<Digest> prepares;
    final Certificate<Digest> commits;
    boolean prepared;
    boolean committed;
    Prepare myPrepare;
    Commit myCommit;
    /**
     * A pre-prepare from the primary with a request that did not authenticate here, waiting for
     * f+1 other backups to prepare it (Replica.authenticatedHere); null otherwise.
     */
    PrePrepare parked;
    /**
     * Positions in {@link #parked}'s batch whose request did not authenticate here and that nothing
     * else vouches for yet (see Agreement.authenticatedHere): they wait for their client's NEW-KEY
     * until {@link #complainAt}; null when none wait.
     */
    java.util.BitSet awaitingKey;
    /** When the requests in {@link #awaitingKey} still unauthenticated are complained about (AUTH-FAILURE). */
    long complainAt;
    /** When they started waiting. */
    long awaitingSince;
    /**
     * This slot's unauthenticated requests were judged once (complained about, or found moot): a
     * retransmitted copy of the same pre-prepare does not start another wait and another complaint.
     */
    boolean authJudged;
    /**
     * The primary's pre-prepare naming requests by digest ({@link io.bulwark.bft.msg.PrePrepareByDigest})
     * while one of them is not held here yet (Agreement.onPrePrepareByDigest); null otherwise.
     */
    io.bulwark.bft.msg.PrePrepareByDigest awaitingRequests;
    /** The positions of {@link #awaitingRequests}' inline requests that did not authenticate here (the frame layer's mark). */
    java.util.BitSet awaitingRequestsUnverified;
    /** When {@link #awaitingRequests} arrived. */
    long awaitingRequestsSince;

    /** Sets the body from a batch with this slot's digest carried by another message (another view or seq). */
    void takeBody(long view, PrePrepare carrier) {
        prePrepare = new PrePrepare(view, seq, digest, carrier.nonDet(), carrier.batch());
    }

    Slot(long seq, int n) {
        this.seq = seq;
        this.prepares = new Certificate<>(n);
        this.commits = new Certificate<>(n);
    }

    /** Prepares matching the pre-prepared digest, not counting the primary (which sends none). */
    int matchingPrepares(int primary) { return prepares.count(digest, primary); }

    /** Prepares for {@code d} from backups other than {@code self} (the primary sends none). */
    int preparesFor(Digest d, int primary, int self) { return prepares.count(d, primary, self); }

    int matchingCommits() { return commits.count(digest); }
}
