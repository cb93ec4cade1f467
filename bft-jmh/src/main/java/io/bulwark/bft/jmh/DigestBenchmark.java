package io.bulwark.bft.jmh;

import io.bulwark.bft.crypto.Digests;
import java.security.MessageDigest;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import org.bouncycastle.crypto.digests.Blake2bDigest;
import org.bouncycastle.crypto.digests.Blake3Digest;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

/**
 * Average time of one 256-bit digest per candidate and input size. {@code DIGESTS} is the
 * engine's own {@link Digests#of} (including the Digest record allocation) as a check that the
 * wrapper adds nothing.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class DigestBenchmark {

    @Param({"SHA_256", "SHA_512_256", "BLAKE2B_256", "BLAKE3_256", "DIGESTS"})
    public String algorithm;

    @Param({"64", "256", "1024", "4096"})
    public int size;

    private byte[] data;
    private final byte[] out = new byte[32];
    private MessageDigest jdk;
    private Blake2bDigest blake2b;
    private Blake3Digest blake3;

    @Setup
    public void setup() throws Exception {
        SplittableRandom r = new SplittableRandom(7);
        data = new byte[size];
        for (int i = 0; i < size; i++) data[i] = (byte) r.nextInt();
        switch (algorithm) {
            case "SHA_256" -> jdk = MessageDigest.getInstance("SHA-256");
            case "SHA_512_256" -> jdk = MessageDigest.getInstance("SHA-512/256");
            case "BLAKE2B_256" -> blake2b = new Blake2bDigest(256);
            case "BLAKE3_256" -> blake3 = new Blake3Digest(256);
            case "DIGESTS" -> { }
            default -> throw new IllegalArgumentException(algorithm);
        }
    }

    @Benchmark
    public Object digest() throws Exception {
        if (jdk != null) {
            jdk.update(data, 0, data.length);
            jdk.digest(out, 0, 32);
        } else if (blake2b != null) {
            blake2b.update(data, 0, data.length);
            blake2b.doFinal(out, 0);
        } else if (blake3 != null) {
            blake3.update(data, 0, data.length);
            blake3.doFinal(out, 0);
        } else {
            return Digests.of(data);
        }
        return out;
    }
}
