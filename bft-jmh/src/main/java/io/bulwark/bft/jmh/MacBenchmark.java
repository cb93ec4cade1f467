package io.bulwark.bft.jmh;

import io.bulwark.bft.crypto.MacAlgorithm;
import io.bulwark.bft.crypto.MacFunction;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import org.bouncycastle.crypto.macs.SipHash128;
import org.bouncycastle.crypto.params.KeyParameter;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

/**
 * Average time of one MAC (tag computation) per candidate and message size. The candidates are
 * {@link MacAlgorithm}'s, i.e. the very code SessionKeys runs. SipHash-2-4-128 is measured as a
 * reference only (see MacAlgorithm's comment on why it is not a candidate).
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class MacBenchmark {

    @Param({"HMAC_SHA256_128", "BLAKE2B_128", "KMAC128", "AES_CMAC_BC", "AES_CMAC_JDK", "SIPHASH128_REFERENCE"})
    public String algorithm;

    @Param({"64", "256", "1024", "4096"})
    public int size;

    private byte[] data;
    private final byte[] tag = new byte[16];
    private MacFunction mac;
    private SipHash128 sip;

    @Setup
    public void setup() {
        SplittableRandom r = new SplittableRandom(42);
        data = new byte[size];
        for (int i = 0; i < size; i++) data[i] = (byte) r.nextInt();
        byte[] key = new byte[MacAlgorithm.KEY_LENGTH];
        for (int i = 0; i < key.length; i++) key[i] = (byte) r.nextInt();
        if (algorithm.equals("SIPHASH128_REFERENCE")) {
            sip = new SipHash128();
            sip.init(new KeyParameter(key));
        } else {
            mac = MacAlgorithm.valueOf(algorithm).newFunction(key);
        }
    }

    @Benchmark
    public byte[] mac() {
        if (sip != null) {
            sip.update(data, 0, data.length);
            sip.doFinal(tag, 0);
        } else {
            mac.mac(data, 0, data.length, tag, 0);
        }
        return tag;
    }
}
