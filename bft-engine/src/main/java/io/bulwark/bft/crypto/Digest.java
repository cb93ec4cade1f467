package io.bulwark.bft.crypto;

import java.util.Arrays;
import java.util.HexFormat;

/** A 32-byte cryptographic digest, compared by value. */
public record Digest(byte[] bytes) implements Comparable<Digest> {
    public static final int LENGTH = 32;
    public static final Digest ZERO = new Digest(new byte[LENGTH]);

    public Digest {
        if (bytes == null || bytes.length != LENGTH)
            throw new IllegalArgumentException("digest must be " + LENGTH + " bytes");
    }

    @Override public boolean equals(Object o) {
        return o instanceof Digest d && Arrays.equals(bytes, d.bytes);
    }

    @Override public int hashCode() {
        return (bytes[0] & 0xff) | (bytes[1] & 0xff) << 8 | (bytes[2] & 0xff) << 16 | (bytes[3] & 0xff) << 24;
    }

    @Override public int compareTo(Digest o) { return Arrays.compareUnsigned(bytes, o.bytes); }

    @Override public String toString() { return HexFormat.of().formatHex(bytes, 0, 8); }

    public String toHex() { return HexFormat.of().formatHex(bytes); }
}
