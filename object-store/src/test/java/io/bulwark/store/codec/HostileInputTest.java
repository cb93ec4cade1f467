package io.bulwark.store.codec;

import com.sun.management.ThreadMXBean;
import io.bulwark.store.codec.Fixtures.Customer;
import io.bulwark.store.codec.Fixtures.Line;
import io.bulwark.store.codec.Fixtures.Money;
import io.bulwark.store.codec.Fixtures.Positive;
import io.bulwark.store.codec.Fixtures.Status;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.lang.management.ManagementFactory;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * Seeded fuzzing of the decoder: random bytes, truncations, bit flips and hostile length prefixes.
 * The only failure ever allowed is a CodecException; anything that does decode must re-encode to
 * exactly the input (the encoding is canonical); and no decode allocates more than a small multiple
 * of its input.
 */
class HostileInputTest {
    private static final long ALLOCATION_SLACK = 4L << 20;
    private static final long ALLOCATION_PER_INPUT_BYTE = 64;

    private final DeterministicCodec codec = Fixtures.codec();
    private final ThreadMXBean threads = (ThreadMXBean) ManagementFactory.getThreadMXBean();

    private List<byte[]> corpus() {
        List<byte[]> corpus = new ArrayList<>();
        corpus.add(codec.encode(Fixtures.customer(1)));
        corpus.add(codec.encode(new Line("A-1", 3, new Money(new BigDecimal("9.95"), "EUR"), Status.CLOSED)));
        corpus.add(codec.encode(Map.of("a", List.of(1, 2L, 3.0f), "b", Set.of("x", "y"))));
        corpus.add(codec.encode(new Object[] {new int[] {1, 2}, "s", null, new Positive(5)}));
        corpus.add(codec.encode(List.of(new java.util.TreeMap<>(Map.of(1, "one", 2, "two")))));
        return corpus;
    }

    /** Decodes, allowing only CodecException, and checks canonicity and allocation. */
    private void probe(byte[] input, String what) {
        long before = threads.getThreadAllocatedBytes(Thread.currentThread().getId());
        Object decoded;
        try {
            decoded = codec.decode(input, Object.class);
        } catch (CodecException e) {
            return;
        } catch (Throwable t) {
            throw new AssertionError(what + ": decoding threw " + t + " instead of a CodecException", t);
        } finally {
            long allocated = threads.getThreadAllocatedBytes(Thread.currentThread().getId()) - before;
            if (allocated > ALLOCATION_SLACK + ALLOCATION_PER_INPUT_BYTE * input.length) {
                fail(what + ": decoding " + input.length + " bytes allocated " + allocated + " bytes");
            }
        }
        assertArrayEquals(input, codec.encode(decoded), what + ": accepted input is not canonical");
    }

    @Test
    void randomBytes() {
        Random random = new Random(1);
        for (int i = 0; i < 20_000; i++) {
            byte[] input = new byte[random.nextInt(64)];
            random.nextBytes(input);
            probe(input, "random #" + i);
        }
    }

    @Test
    void truncations() {
        for (byte[] valid : corpus()) {
            for (int length = 0; length < valid.length; length++) {
                byte[] truncated = Arrays.copyOf(valid, length);
                assertThrows(CodecException.class, () -> codec.decode(truncated, Object.class), "length " + length);
            }
        }
    }

    @Test
    void trailingBytes() {
        for (byte[] valid : corpus()) {
            byte[] longer = Arrays.copyOf(valid, valid.length + 1);
            assertTrue(assertThrows(CodecException.class, () -> codec.decode(longer, Object.class)).getMessage()
                    .contains("trailing"));
        }
    }

    @Test
    void bitFlips() {
        Random random = new Random(2);
        List<byte[]> corpus = corpus();
        for (int i = 0; i < 30_000; i++) {
            byte[] input = corpus.get(random.nextInt(corpus.size())).clone();
            int flips = 1 + random.nextInt(3);
            for (int f = 0; f < flips; f++) {
                input[random.nextInt(input.length)] ^= (byte) (1 << random.nextInt(8));
            }
            probe(input, "bit flip #" + i);
        }
    }

    @Test
    void randomSplices() {
        Random random = new Random(3);
        List<byte[]> corpus = corpus();
        for (int i = 0; i < 10_000; i++) {
            byte[] a = corpus.get(random.nextInt(corpus.size()));
            byte[] b = corpus.get(random.nextInt(corpus.size()));
            int cut = random.nextInt(a.length + 1);
            int from = random.nextInt(b.length + 1);
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            out.write(a, 0, cut);
            out.write(b, from, b.length - from);
            probe(out.toByteArray(), "splice #" + i);
        }
    }

    @Test
    void hostileLengthPrefixes() {
        String huge = "ffffffff07";        // varint 2^31 - 1
        String hugeLong = "ffffffffffffffffff01"; // varint 2^64 - 1
        List<String> inputs = List.of(
                "14" + huge,                    // list of 2^31 - 1 elements
                "14" + hugeLong,
                "09" + huge + "41",             // string of 2^31 - 1 bytes
                "1f" + huge,                    // byte[]
                "22" + huge + "00000000",       // int[]
                "25" + huge,                    // double[]
                "19" + "09" + huge,             // String[]
                "15" + huge, "17" + huge,       // set, map
                "0a" + huge,                    // BigInteger
                "14ff0f".repeat(60) + "00"      // lists nested 60 deep, each claiming 2047 elements
        );
        for (String hex : inputs) {
            byte[] input = CanonicalOrderTest.bytes(hex);
            probe(input, "hostile " + hex);
            assertThrows(CodecException.class, () -> codec.decode(input, Object.class), hex);
        }
    }

    @Test
    void nonCanonicalFormsAreRefused() {
        List<String> inputs = List.of(
                "0580",     // truncated varint
                "058000",   // overlong varint for 0
                "0102",     // boolean 2
                "08010000000000f87f", // a NaN with other bits than the canonical one
                "0a020001", // BigInteger with a redundant sign byte
                "0902c328", // invalid UTF-8
                "0d00" + "80a8d6b907", // Instant with nanos of 2^31 > 999,999,999
                "7f"        // unknown type id
        );
        for (String hex : inputs) {
            assertThrows(CodecException.class, () -> codec.decode(CanonicalOrderTest.bytes(hex), Object.class), hex);
        }
    }

    @Test
    void fieldsOnlyAcceptTheirDeclaredTypes() {
        // A Money whose amount (a BigDecimal) is replaced by a String of the same shape.
        byte[] money = codec.encode(new Money(new BigDecimal("1"), "EUR"));
        String hex = Fixtures.hex(money);
        String bigDecimalOne = "0b00" + "0101";
        assertTrue(hex.contains(bigDecimalOne), hex);
        byte[] forged = CanonicalOrderTest.bytes(hex.replace(bigDecimalOne, "090131"));
        CodecException e = assertThrows(CodecException.class, () -> codec.decode(forged, Money.class));
        assertTrue(e.getMessage().contains("Money.amount") && e.getMessage().contains("java.lang.String"), e.getMessage());
    }

    @Test
    void recordConstructorsGuardDecodedInput() {
        byte[] bytes = codec.encode(new Positive(1));
        bytes[bytes.length - 1] = 0x01; // zigzag 1 is -1
        CodecException e = assertThrows(CodecException.class, () -> codec.decode(bytes, Positive.class));
        assertTrue(e.getMessage().contains("not positive"), e.getMessage());
    }

    @Test
    void decodedTypeMustBeTheExpectedOne() {
        byte[] line = codec.encode(new Line("x", 1, null, null));
        CodecException e = assertThrows(CodecException.class, () -> codec.decode(line, Customer.class));
        assertTrue(e.getMessage().contains(Line.class.getName()), e.getMessage());
        assertThrows(CodecException.class, () -> codec.decode(codec.encode(null), int.class));
        assertThrows(CodecException.class, () -> codec.decode(null, Object.class));
        assertThrows(CodecException.class, () -> codec.decode(new byte[0], Object.class));
    }
}
