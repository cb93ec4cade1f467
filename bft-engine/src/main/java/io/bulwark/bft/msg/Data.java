package io.bulwark.bft.msg;

/**
 * The answer to a {@link Fetch} for a page (section 4.6.2): its value, which the asker verifies
 * against H(index, lm, value) from the parent's verified meta-data.
 */
public record Data(int page, byte[] value) implements Message {
}
