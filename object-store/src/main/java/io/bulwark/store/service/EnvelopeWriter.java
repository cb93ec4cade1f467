package io.bulwark.store.service;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;

/** Writes envelope fields big-endian; strings are u16-length-prefixed UTF-8, cut to a bound on a character boundary. */
final class EnvelopeWriter {
    private final ByteArrayOutputStream out = new ByteArrayOutputStream();

    EnvelopeWriter u8(int v) {
        out.write(v);
        return this;
    }

    EnvelopeWriter u16(int v) {
        out.write(v >>> 8);
        out.write(v);
        return this;
    }

    EnvelopeWriter u32(int v) {
        u16(v >>> 16);
        return u16(v & 0xffff);
    }

    EnvelopeWriter raw(byte[] b) {
        out.writeBytes(b);
        return this;
    }

    /**
     * {@code s} (null as empty) as UTF-8, cut to at most {@code maxBytes} without splitting a
     * character: failure messages are bounded so a reply always fits, and cut the same way everywhere.
     */
    EnvelopeWriter text(String s, int maxBytes) {
        byte[] b = utf8(s);
        int len = cutLength(b, maxBytes);
        u16(len);
        out.write(b, 0, len);
        return this;
    }

    /** {@code s} (null as empty) as UTF-8. */
    static byte[] utf8(String s) { return (s == null ? "" : s).getBytes(StandardCharsets.UTF_8); }

    /** How many of the UTF-8 bytes {@code b} {@link #text} writes for a bound of {@code maxBytes}. */
    static int cutLength(byte[] b, int maxBytes) {
        int len = b.length;
        if (len > maxBytes) {
            len = Math.max(0, maxBytes);
            while (len > 0 && (b[len] & 0xc0) == 0x80) len--;   // b[len] continues the character: back off to its start
        }
        return len;
    }

    int size() { return out.size(); }

    byte[] toBytes() { return out.toByteArray(); }
}
