package io.bulwark.bft.durable;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.zip.CRC32C;

/**
 * The header at the start of every record file (a journal segment, a page store's redo log):
 * <pre>
 *   magic (8) | version (4) | first seq (8) | crc32c of the 20 bytes before it (4)
 * </pre>
 * The magic names the kind of file, so a redo log is never read as a journal segment.
 */
public record FileHeader(String magic, long firstSeq) {
    public static final int LENGTH = 8 + 4 + 8 + 4;
    public static final int VERSION = 1;
    public static final String JOURNAL = "BLWKJRNL", REDO = "BLWKREDO";

    public FileHeader {
        if (magic.length() != 8) throw new IllegalArgumentException("magic must be 8 ASCII characters");
    }

    public byte[] encode() {
        ByteBuffer b = ByteBuffer.allocate(LENGTH);
        b.put(magic.getBytes(StandardCharsets.US_ASCII)).putInt(VERSION).putLong(firstSeq);
        CRC32C c = new CRC32C();
        c.update(b.array(), 0, LENGTH - 4);
        b.putInt((int) c.getValue());
        return b.array();
    }

    /** Reads and checks the header of {@code file}; null with {@code why[0]} set when it is missing, short or garbled. */
    public static FileHeader read(FileChannel ch, Path file, String expectedMagic, String[] why) throws IOException {
        ByteBuffer b = ByteBuffer.allocate(LENGTH);
        while (b.hasRemaining()) if (ch.read(b, b.position()) < 0) break;
        if (b.hasRemaining()) {
            why[0] = file + ": header of " + b.position() + " bytes, a header has " + LENGTH + " (torn)";
            return null;
        }
        byte[] h = b.array();
        CRC32C c = new CRC32C();
        c.update(h, 0, LENGTH - 4);
        if ((int) c.getValue() != b.getInt(LENGTH - 4)) {
            why[0] = file + ": header checksum mismatch";
            return null;
        }
        if (!Arrays.equals(h, 0, 8, expectedMagic.getBytes(StandardCharsets.US_ASCII), 0, 8)) {
            why[0] = file + ": magic " + new String(h, 0, 8, StandardCharsets.US_ASCII) + ", expected " + expectedMagic;
            return null;
        }
        int version = b.getInt(8);
        if (version != VERSION) {
            why[0] = file + ": version " + version + ", this build reads version " + VERSION;
            return null;
        }
        return new FileHeader(expectedMagic, b.getLong(12));
    }
}
