package io.bulwark.bft.durable;

import java.nio.ByteBuffer;
import java.util.zip.CRC32C;

/**
 * One record on disk (big-endian):
 * <pre>
 *   length (4) | crc32c (4) | seq (8) | type (1) | payload (length bytes)
 * </pre>
 * The CRC32C covers the length, seq, type and payload (every byte of the frame but itself), so a
 * torn write, a flipped bit or a frame read from the wrong offset fails it. The seq in every frame
 * lets a reader tell a stale or misplaced (but checksummed) frame from the one it expects.
 */
public final class RecordFormat {
    /** Bytes of a frame before its payload. */
    public static final int OVERHEAD = 4 + 4 + 8 + 1;
    /** The largest payload any file of this package holds (a bound checked before anything is allocated). */
    public static final int MAX_PAYLOAD = 16 << 20;

    private RecordFormat() {}

    /** The frame of one record. */
    public static byte[] encode(long seq, int type, byte[] payload) {
        if (type < 0 || type > 255) throw new IllegalArgumentException("record type " + type + " outside 0..255");
        if (payload.length > MAX_PAYLOAD) throw new IllegalArgumentException("payload of " + payload.length + " bytes exceeds " + MAX_PAYLOAD);
        ByteBuffer b = ByteBuffer.allocate(OVERHEAD + payload.length);
        b.putInt(payload.length).putInt(0).putLong(seq).put((byte) type).put(payload);
        b.putInt(4, crc(b.array(), payload.length));
        return b.array();
    }

    /** The checksum of a whole frame in {@code frame} (its crc field is skipped). */
    static int crc(byte[] frame, int payloadLength) {
        CRC32C c = new CRC32C();
        c.update(frame, 0, 4);
        c.update(frame, 8, OVERHEAD - 8 + payloadLength);
        return (int) c.getValue();
    }
}
