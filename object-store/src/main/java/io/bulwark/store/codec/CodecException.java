package io.bulwark.store.codec;

/**
 * Every way encoding or decoding can fail: an unregistered or unsupported class, a cycle, a graph
 * deeper or bigger than the limits, and bytes that are malformed, truncated, non-canonical, of the
 * wrong type or followed by trailing bytes. Decoding hostile bytes throws only this.
 */
public final class CodecException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public CodecException(String message) {
        super(message);
    }

    public CodecException(String message, Throwable cause) {
        super(message, cause);
    }
}
