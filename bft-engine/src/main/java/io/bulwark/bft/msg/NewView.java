package io.bulwark.bft.msg;

import io.bulwark.bft.crypto.Digest;
import java.util.List;

/**
 * NEW-VIEW (section 4.5): the primary of {@code view} names the view-changes it decided from (V)
 * and its decision (X): the starting checkpoint and, for each sequence number
 * {@code checkpointSeq + 1 + i}, the batch digest {@code selected.get(i)} or {@link #NULL_REQUEST}.
 * Sequence numbers after the last entry up to the high water mark are implied: rule B (nothing can
 * have committed there) holds for each, so no request takes effect there and the new primary assigns
 * new batches from the first of them. A null request chosen by rule A is always an explicit entry.
 */
public record NewView(long view, List<ViewChangeRef> viewChanges, long checkpointSeq, Digest checkpointDigest,
                      List<Digest> selected) implements Message {

    /** The digest that stands for the null request: no batch hashes to all zeroes. */
    public static final Digest NULL_REQUEST = Digest.ZERO;

    /** An entry of V: the view-change of {@code replica} with digest {@code digest}. */
    public record ViewChangeRef(int replica, Digest digest) {}
}
