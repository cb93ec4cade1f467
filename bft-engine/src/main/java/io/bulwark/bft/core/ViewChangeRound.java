package io.bulwark.bft.core;

import io.bulwark.bft.crypto.Digest;
import io.bulwark.bft.msg.MessageCodec;
import io.bulwark.bft.msg.NewView;
import io.bulwark.bft.msg.ViewChange;
import java.util.ArrayList;
import java.util.List;

/**
 * What a replica collected while changing to one view (section 4.5): the view-changes it received
 * (one per replica: the first counts), copies forwarded by the new primary that it could not
 * authenticate itself, the view-change-acks, and the NEW-VIEW. Bounded: O(n²) acks, O(n) messages.
 */
final class ViewChangeRound {
    final long view;
    private final int n;
    private final int primary;
    /** View-changes authenticated by their own senders. */
    private final ViewChange[] received;
    private final Digest[] receivedDigest;
    /** View-changes forwarded by the primary; usable once f acks (other than its author's and the primary's) vouch for them. */
    private final ViewChange[] forwarded;
    private final Digest[] forwardedDigest;
    /** acks[author]: by acker, the digest it vouches for. */
    private final Certificate<Digest>[] acks;
    /** The primary's set S, by replica. */
    private final boolean[] inS;
    NewView newView;

    ViewChangeRound(long view, int n, int primary) {
        this.view = view;
        this.n = n;
        this.primary = primary;
        this.received = new ViewChange[n];
        this.receivedDigest = new Digest[n];
        this.forwarded = new ViewChange[n];
        this.forwardedDigest = new Digest[n];
        this.acks = newAcks(n);
        this.inS = new boolean[n];
    }

    @SuppressWarnings("unchecked")
    private static Certificate<Digest>[] newAcks(int n) {
        Certificate<Digest>[] a = new Certificate[n];
        for (int j = 0; j < n; j++) a[j] = new Certificate<>(n);
        return a;
    }

    /** Records a view-change its author sent us; false if we already had one from it. */
    boolean receive(ViewChange vc) {
        int j = vc.replica();
        if (received[j] != null) return false;
        received[j] = vc;
        receivedDigest[j] = MessageCodec.viewChangeDigest(vc);
        return true;
    }

    void receiveForwarded(ViewChange vc) {
        int j = vc.replica();
        if (forwarded[j] == null) {
            forwarded[j] = vc;
            forwardedDigest[j] = MessageCodec.viewChangeDigest(vc);
        }
    }

    void ack(int acker, int author, Digest d) {
        acks[author].add(acker, d);
    }

    ViewChange received(int j) { return received[j]; }

    Digest receivedDigest(int j) { return receivedDigest[j]; }

    int receivedCount() {
        int c = 0;
        for (ViewChange v : received) if (v != null) c++;
        return c;
    }

    /**
     * Bit j set when we hold replica j's view-change (for STATUS) — not when the NEW-VIEW names
     * another one of j's: a faulty j sent different view-changes to different replicas, and we need
     * the one named, forwarded by the primary and vouched for by f others, who send it only to a
     * replica whose STATUS lacks it (sim seed 2042 f=1, lying-view-change: a backup that held another
     * version waited for the NEW-VIEW until its timer ran out, and the liar's SUSPECT took it alone
     * into the next view).
     */
    long receivedBits() {
        long bits = 0;
        for (int j = 0; j < n; j++) if (received[j] != null && !namedOtherwise(j)) bits |= 1L << j;
        return bits;
    }

    private boolean namedOtherwise(int j) {
        if (newView == null) return false;
        for (NewView.ViewChangeRef ref : newView.viewChanges())
            if (ref.replica() == j) return !ref.digest().equals(receivedDigest[j]);
        return false;
    }

    /** Acks for {@code author}'s view-change with digest {@code d}, not counting its author or the primary. */
    private int matchingAcks(int author, Digest d) { return acks[author].count(d, author, primary); }

    /**
     * Primary: admits view-changes to S — its own at once, others after 2f-1 matching acks from
     * replicas other than the author and itself (with those two, a {@code quorum} of 2f+1), so
     * that f+1 correct replicas vouch for each. Returns true when S grew.
     */
    boolean admit(int quorum) {
        boolean grew = false;
        for (int j = 0; j < n; j++) {
            if (inS[j] || received[j] == null) continue;
            if (j == primary || matchingAcks(j, receivedDigest[j]) >= quorum - 2) {
                inS[j] = true;
                grew = true;
            }
        }
        return grew;
    }

    List<ViewChange> s() {
        List<ViewChange> out = new ArrayList<>();
        for (int j = 0; j < n; j++) if (inS[j]) out.add(received[j]);
        return out;
    }

    /**
     * Backup: the view-change of {@code author} with digest {@code d}: one its author sent us, or a
     * forwarded copy that f acks vouch for (with the primary, a {@code weakQuorum} of f+1 replicas,
     * so one correct one).
     */
    ViewChange lookup(int author, Digest d, int weakQuorum) {
        if (received[author] != null && receivedDigest[author].equals(d)) return received[author];
        if (forwarded[author] != null && forwardedDigest[author].equals(d) && matchingAcks(author, d) >= weakQuorum - 1) return forwarded[author];
        return null;
    }
}
