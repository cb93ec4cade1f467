package io.bulwark.bft.crypto;

/**
 * One MAC key, initialised once and reused for every message (section 4.1: MACs authenticate
 * every protocol message, so this is the hot path). Implementations keep their engine and
 * scratch buffers, do not allocate per call, and are NOT thread-safe.
 */
public interface MacFunction {

    /** Length of a tag in bytes. */
    int tagLength();

    /** Writes the tag of {@code data[off, off+len)} into {@code out[outOff, outOff+tagLength())}. */
    void mac(byte[] data, int off, int len, byte[] out, int outOff);

    /** Recomputes the tag and compares it with {@code tag[tagOff...]} in constant time. */
    boolean verify(byte[] data, int off, int len, byte[] tag, int tagOff);
}
