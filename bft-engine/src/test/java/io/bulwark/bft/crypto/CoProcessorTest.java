package io.bulwark.bft.crypto;

import static org.junit.jupiter.api.Assertions.*;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CoProcessorTest {
    @TempDir Path dir;
    private final byte[] key = Signatures.newPrivateKey(new DeterministicRandom(1));

    @Test
    void counterSurvivesReopenAndNeverGoesBackwards() throws Exception {
        Path file = dir.resolve("replica-0.counter");
        FileCoProcessor cp = FileCoProcessor.create(file, key);
        assertEquals(0, cp.counter());
        long last = 0;
        for (int i = 0; i < 3; i++) {
            SignedCounter s = cp.sign("hello".getBytes());
            assertTrue(s.counter() > last);
            last = s.counter();
            assertEquals(last, FileCoProcessor.read(file), "durable before returning");
            assertTrue(CoProcessor.verify(cp.publicKey(), "hello".getBytes(), s.counter(), s.signature()));
            assertFalse(CoProcessor.verify(cp.publicKey(), "hello".getBytes(), s.counter() - 1, s.signature()));
        }
        FileCoProcessor reopened = FileCoProcessor.open(file, key);
        assertEquals(3, reopened.counter());
        assertEquals(4, reopened.sign(t -> new byte[] {(byte) t}).counter());
        assertFalse(Files.exists(dir.resolve("replica-0.counter.tmp")));
        if (dir.getFileSystem().supportedFileAttributeViews().contains("posix"))
            assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(file)));
    }

    @Test
    void payloadSeesTheCounterItIsSignedWith() throws Exception {
        FileCoProcessor cp = FileCoProcessor.create(dir.resolve("c"), key);
        long[] seen = new long[1];
        SignedCounter s = cp.sign(t -> { seen[0] = t; return new byte[0]; });
        assertEquals(1, seen[0]);
        assertEquals(1, s.counter());
    }

    @Test
    void createRefusesToResetAnExistingCounter() throws Exception {
        Path file = dir.resolve("c");
        FileCoProcessor.create(file, key).sign(new byte[0]);
        assertThrows(CoProcessorException.class, () -> FileCoProcessor.create(file, key));
        assertEquals(1, FileCoProcessor.read(file));
    }

    @Test
    void missingCounterFileIsAnError() {
        CoProcessorException e = assertThrows(CoProcessorException.class, () -> FileCoProcessor.open(dir.resolve("nope.counter"), key));
        assertTrue(e.getMessage().contains("missing"), e.getMessage());
    }

    @Test
    void corruptCounterFilesAreErrors() throws Exception {
        Path file = dir.resolve("c");
        FileCoProcessor.create(file, key).sign(new byte[0]);
        String good = Files.readString(file);
        String[] corrupt = {
            "", "garbage\n", good.replace("counter 1 1 ", "counter 1 2 "), // value changed, crc not
            good.substring(0, good.length() - 1), // no newline
            good.replace("bulwark-counter", "bulwark-counted"), "bulwark-counter 1 -1 00000000\n",
            "bulwark-counter 1 01 " + good.split(" ")[3], good + "extra\n"};
        for (String text : corrupt) {
            Files.writeString(file, text, StandardCharsets.US_ASCII);
            CoProcessorException e = assertThrows(CoProcessorException.class, () -> FileCoProcessor.open(file, key), text);
            assertTrue(e.getMessage().contains("corrupt"), e.getMessage());
        }
        Files.write(file, new byte[1000]);
        assertThrows(CoProcessorException.class, () -> FileCoProcessor.open(file, key));
    }

    @Test
    void inMemoryCoProcessorIsDeterministicAndMonotonic() throws Exception {
        InMemoryCoProcessor a = new InMemoryCoProcessor(key), b = new InMemoryCoProcessor(key);
        SignedCounter sa = a.sign("x".getBytes()), sb = b.sign("x".getBytes());
        assertArrayEquals(sa.signature(), sb.signature());
        assertEquals(2, a.sign("x".getBytes()).counter());
        assertEquals(8, new InMemoryCoProcessor(key, 7).sign(new byte[0]).counter());
    }

    @Test
    void deterministicRandomRepeatsPerSeed() {
        byte[] x = new byte[100], y = new byte[100], z = new byte[100];
        new DeterministicRandom(5).nextBytes(x);
        new DeterministicRandom(5).nextBytes(y);
        new DeterministicRandom(6).nextBytes(z);
        assertArrayEquals(x, y);
        assertFalse(java.util.Arrays.equals(x, z));
    }
}
