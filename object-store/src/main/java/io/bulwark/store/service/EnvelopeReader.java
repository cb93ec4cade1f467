package io.bulwark.store.service;

import io.bulwark.store.BadRequestException;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * Reads an envelope's fields from untrusted bytes: every length is checked against what is left and
 * against its own bound, strings must be valid UTF-8, and any violation is a
 * {@link BadRequestException} naming the field (never an index or buffer exception).
 */
final class EnvelopeReader {
    private final byte[] b;
    private int at;
    private final String what;

    EnvelopeReader(byte[] bytes, String what) {
        this.b = bytes;
        this.what = what;
    }

    int u8(String field) {
        need(1, field);
        return b[at++] & 0xff;
    }

    int u16(String field) {
        need(2, field);
        int v = (b[at] & 0xff) << 8 | (b[at + 1] & 0xff);
        at += 2;
        return v;
    }

    int u32(String field) {
        need(4, field);
        int v = (b[at] & 0xff) << 24 | (b[at + 1] & 0xff) << 16 | (b[at + 2] & 0xff) << 8 | (b[at + 3] & 0xff);
        at += 4;
        return v;
    }

    byte[] bytes(int length, int max, String field) {
        if (length < 0 || length > max) throw bad(field + " of " + Integer.toUnsignedString(length) + " bytes exceeds the limit of " + max);
        need(length, field);
        byte[] out = Arrays.copyOfRange(b, at, at + length);
        at += length;
        return out;
    }

    /** A u16-length-prefixed UTF-8 string of at most {@code maxBytes}. */
    String text(int maxBytes, String field) {
        byte[] raw = bytes(u16(field + " length"), maxBytes, field);
        try {
            return StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(raw)).toString();
        } catch (CharacterCodingException e) {
            throw bad(field + " is not valid UTF-8");
        }
    }

    /** The bytes not yet read (consumes them). */
    byte[] rest() {
        byte[] out = Arrays.copyOfRange(b, at, b.length);
        at = b.length;
        return out;
    }

    void end() {
        if (at != b.length) throw bad((b.length - at) + " trailing byte(s)");
    }

    BadRequestException bad(String why) { return new BadRequestException("malformed " + what + ": " + why); }

    private void need(int n, String field) {
        if (b.length - at < n) throw bad("truncated at " + field);
    }
}
