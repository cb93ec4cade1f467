package io.bulwark.bft.msg;

/**
 * State transfer (section 4.6.2): {@code replica} asks the receiver — the designated replier — for
 * partition ({@code level}, {@code index}) of the tree at checkpoint {@code checkpoint}, whose digest
 * the asker already knows from a stable-checkpoint certificate or a new view. An interior partition
 * is answered with {@link MetaData}, a page with {@link Data}; both are checked against the known
 * digest, so they need no voting.
 * <p>
 * Deviation from the paper: FETCH goes to the designated replier only (not multicast), carries no
 * lc (the answer always lists every child, so the asker can recompute the parent's digest), and has
 * no "c = -1" form: a replica starts a transfer only toward a checkpoint whose digest it holds.
 */
public record Fetch(int replica, long checkpoint, int level, int index) implements Message {
}
