package io.bulwark.bft.msg;

/**
 * The encoding of one message type's body, kept next to its record ({@code PrepareCodec} beside
 * {@code Prepare}) and named in one row of {@link MessageType}. Encoding is static in spirit
 * (stateless, thread-safe); decoding reads through a {@link BodyReader}, which bounds every length
 * and count before allocating (DESIGN principle 3).
 */
interface BodyCodec<M extends Message> {

    /** Bytes {@link #write} writes for {@code m}; IllegalArgumentException for a record that cannot be encoded. */
    int size(M m);

    /** Writes the body of {@code m} at {@code out[off...]} ({@link #size} bytes free); returns the offset after it. */
    int write(M m, byte[] out, int off);

    /** Reads one body; the caller checks that nothing is left over. Throws only DecodeException. */
    M read(BodyReader in) throws DecodeException;
}
