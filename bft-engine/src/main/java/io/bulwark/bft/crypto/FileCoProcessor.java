package io.bulwark.bft.crypto;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.function.LongFunction;
import java.util.zip.CRC32;

/**
 * The co-processor emulated in software with its counter in a file (section 4.1). Before a
 * counter value t leaves {@link #sign}, t is on disk: written to a temporary file, fsynced,
 * atomically renamed over the counter file, and the directory fsynced. So the counter on disk is
 * always >= any counter ever returned, and a crash cannot make it go backwards.
 *
 * <p>File format, one line: {@code bulwark-counter 1 <t> <crc32 of the text before it, hex>}. A
 * missing, unreadable or corrupt file is an error: silently restarting at 0 would let an attacker
 * replay our old NEW-KEY messages. Only {@link #create} (used by keygen) writes the first file.
 * One process per counter file.
 */
public final class FileCoProcessor implements CoProcessor {
    private static final String MAGIC = "bulwark-counter 1";
    private static final int MAX_FILE_BYTES = 128;

    private final Path file;
    private final byte[] privateKey;
    private final byte[] publicKey;
    private long counter;

    private FileCoProcessor(Path file, byte[] privateKey, long counter) {
        this.file = file;
        this.privateKey = privateKey.clone();
        this.publicKey = Signatures.publicKeyOf(this.privateKey);
        this.counter = counter;
    }

    /** First creation (keygen): writes counter 0; fails if the file already exists. */
    public static FileCoProcessor create(Path counterFile, byte[] signingPrivateKey) throws CoProcessorException {
        if (Files.exists(counterFile, java.nio.file.LinkOption.NOFOLLOW_LINKS))
            throw new CoProcessorException("counter file " + counterFile + " already exists; refusing to reset it");
        write(counterFile, 0);
        return new FileCoProcessor(counterFile, signingPrivateKey, 0);
    }

    /** Opens an existing counter file; missing or corrupt is an error, never a reset. */
    public static FileCoProcessor open(Path counterFile, byte[] signingPrivateKey) throws CoProcessorException {
        return new FileCoProcessor(counterFile, signingPrivateKey, read(counterFile));
    }

    /** Reads and validates a counter file. */
    public static long read(Path counterFile) throws CoProcessorException {
        byte[] bytes;
        try {
            if (Files.size(counterFile) > MAX_FILE_BYTES)
                throw new CoProcessorException("counter file " + counterFile + " is corrupt (too large)");
            bytes = Files.readAllBytes(counterFile);
        } catch (NoSuchFileException e) {
            throw new CoProcessorException("counter file " + counterFile + " is missing; refusing to start with a reset counter"
                    + " (restore it from the node's disk, or re-run keygen for a new identity)", e);
        } catch (CoProcessorException e) {
            throw e;
        } catch (IOException e) {
            throw new CoProcessorException("cannot read counter file " + counterFile + ": " + e.getMessage(), e);
        }
        String text = new String(bytes, StandardCharsets.US_ASCII);
        String[] parts = text.endsWith("\n") ? text.substring(0, text.length() - 1).split(" ", -1) : new String[0];
        if (parts.length != 4 || !(parts[0] + " " + parts[1]).equals(MAGIC))
            throw new CoProcessorException("counter file " + counterFile + " is corrupt (bad format)");
        long value;
        try {
            value = Long.parseLong(parts[2]);
        } catch (NumberFormatException e) {
            throw new CoProcessorException("counter file " + counterFile + " is corrupt (bad number)");
        }
        if (value < 0 || !parts[2].equals(Long.toString(value)) || !parts[3].equals(crc(MAGIC + " " + value)))
            throw new CoProcessorException("counter file " + counterFile + " is corrupt (checksum mismatch)");
        return value;
    }

    @Override public byte[] publicKey() { return publicKey.clone(); }

    @Override public synchronized long counter() { return counter; }

    public Path file() { return file; }

    @Override public synchronized SignedCounter sign(LongFunction<byte[]> payloadForCounter) throws CoProcessorException {
        if (counter == Long.MAX_VALUE) throw new CoProcessorException("counter exhausted");
        long t = counter + 1;
        write(file, t); // durable before anyone sees t
        counter = t;
        byte[] payload = payloadForCounter.apply(t).clone();
        return new SignedCounter(t, payload, Signatures.sign(privateKey, CoProcessor.signedBytes(payload, t)));
    }

    private static String crc(String s) {
        CRC32 c = new CRC32();
        c.update(s.getBytes(StandardCharsets.US_ASCII));
        return String.format("%08x", c.getValue());
    }

    private static void write(Path file, long value) throws CoProcessorException {
        String body = MAGIC + " " + value;
        byte[] bytes = (body + " " + crc(body) + "\n").getBytes(StandardCharsets.US_ASCII);
        Path dir = file.toAbsolutePath().getParent();
        Path tmp = dir.resolve(file.getFileName() + ".tmp");
        try {
            Files.deleteIfExists(tmp);
            Files.createFile(tmp, FilePermissions.ownerOnly(tmp));
            try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.WRITE)) {
                ByteBuffer buf = ByteBuffer.wrap(bytes);
                while (buf.hasRemaining()) ch.write(buf);
                ch.force(true);
            }
            try {
                Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            } catch (AtomicMoveNotSupportedException e) {
                throw new CoProcessorException("file system of " + file + " cannot rename atomically", e);
            }
            FilePermissions.fsyncDirectory(dir);
        } catch (FileAlreadyExistsException e) {
            throw new CoProcessorException("cannot create " + tmp + ": exists", e);
        } catch (CoProcessorException e) {
            throw e;
        } catch (IOException e) {
            throw new CoProcessorException("cannot persist counter " + value + " to " + file + ": " + e.getMessage(), e);
        }
    }
}
