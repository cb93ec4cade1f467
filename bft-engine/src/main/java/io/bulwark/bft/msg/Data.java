package io.bulwark.bft.msg;

/**
 * The answer to a {@link Fetch} for a page (section 4.6.2): its value and the checkpoint at which
 * it was last modified, which the asker verifies against H(index, lm, value) — the digest from the
 * parent's verified meta-data. The lm travels here, checked by that digest, because the parent's
 * digest binds its children's digests and their maximum lm but not each child's lm: an lm taken
 * from a faulty replier's meta-data left a correct replica fetching a page that could never match
 * (sim seed 2901, f=2, bad-replier).
 */
public record Data(int page, long lm, byte[] value) implements Message {
}
