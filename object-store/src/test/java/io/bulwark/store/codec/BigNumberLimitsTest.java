package io.bulwark.store.codec;

import com.esotericsoftware.kryo.io.Output;
import org.junit.jupiter.api.Test;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.List;

import static org.junit.jupiter.api.Assertions.*;

/**
 * BigDecimal scale and precision and BigInteger magnitude are bounded on both sides: a 25-byte
 * request holding 1E+30000000 made an ordinary add take half a minute, and values near BigInteger's
 * limits exhaust memory at every replica.
 */
class BigNumberLimitsTest {
    private final DeterministicCodec codec = DeterministicCodec.builder().build();

    /** A BigDecimal's wire form written by hand, so no encode-side check can stop it. */
    static byte[] bigDecimalBytes(long scale, BigInteger unscaled) {
        Output out = new Output(64, -1);
        Wire.writeUnsigned(out, TypeIds.BIG_DECIMAL);
        Wire.writeSigned(out, scale);
        byte[] magnitude = unscaled.toByteArray();
        Wire.writeUnsigned(out, magnitude.length);
        out.writeBytes(magnitude);
        return out.toBytes();
    }

    static byte[] bigIntegerBytes(BigInteger value) {
        Output out = new Output(64, -1);
        Wire.writeUnsigned(out, TypeIds.BIG_INTEGER);
        byte[] magnitude = value.toByteArray();
        Wire.writeUnsigned(out, magnitude.length);
        out.writeBytes(magnitude);
        return out.toBytes();
    }

    @Test
    void hostileScalesAreRefusedOnDecode() {
        for (long scale : List.of(-30_000_000L, 30_000_000L, (long) Integer.MIN_VALUE, (long) Integer.MAX_VALUE, -4097L, 4097L)) {
            byte[] hostile = bigDecimalBytes(scale, BigInteger.ONE);
            CodecException e = assertThrows(CodecException.class, () -> codec.decode(hostile, BigDecimal.class), "scale " + scale);
            assertTrue(e.getMessage().contains("scale"), e.getMessage());
        }
    }

    @Test
    void tooManyDigitsAreRefusedOnDecode() {
        BigInteger digits4097 = BigInteger.TEN.pow(4096);   // 1 followed by 4096 zeros
        CodecException e = assertThrows(CodecException.class, () -> codec.decode(bigDecimalBytes(0, digits4097), BigDecimal.class));
        assertTrue(e.getMessage().contains("digits"), e.getMessage());
        assertThrows(CodecException.class, () -> codec.decode(bigDecimalBytes(0, digits4097.negate()), BigDecimal.class));
    }

    @Test
    void hugeBigIntegersAreRefusedOnDecode() {
        BigInteger bits16385 = BigInteger.ONE.shiftLeft(16384);
        CodecException e = assertThrows(CodecException.class, () -> codec.decode(bigIntegerBytes(bits16385), BigInteger.class));
        assertTrue(e.getMessage().contains("bits"), e.getMessage());
        assertThrows(CodecException.class, () -> codec.decode(bigIntegerBytes(bits16385.negate().subtract(BigInteger.ONE)), BigInteger.class));
    }

    @Test
    void outOfBoundsValuesAreRefusedOnEncode() {
        assertThrows(CodecException.class, () -> codec.encode(new BigDecimal(BigInteger.ONE, -30_000_000)));
        assertThrows(CodecException.class, () -> codec.encode(new BigDecimal(BigInteger.ONE, 4097)));
        assertThrows(CodecException.class, () -> codec.encode(new BigDecimal(BigInteger.TEN.pow(4096))));
        assertThrows(CodecException.class, () -> codec.encode(BigInteger.ONE.shiftLeft(16384)));
        assertThrows(CodecException.class, () -> codec.encode(List.of(BigInteger.ONE.shiftLeft(16384))), "also nested");
    }

    @Test
    void valuesAtTheLimitsRoundTrip() {
        BigInteger digits4096 = BigInteger.TEN.pow(4096).subtract(BigInteger.ONE);
        BigInteger bits16384 = BigInteger.ONE.shiftLeft(16384).subtract(BigInteger.ONE);
        List<Object> atLimits = List.of(
                new BigDecimal(BigInteger.ONE, 4096), new BigDecimal(BigInteger.ONE, -4096),
                new BigDecimal(digits4096, 4096), new BigDecimal(digits4096.negate(), -4096),
                bits16384, bits16384.negate(), BigInteger.ONE.shiftLeft(16384).negate(),
                new BigDecimal("9.95"), BigDecimal.ZERO, BigInteger.ZERO);
        for (Object v : atLimits) assertEquals(v, codec.decode(codec.encode(v), Object.class));
    }

    @Test
    void theLimitsAreConfigurable() {
        DeterministicCodec tight = DeterministicCodec.builder().maxBigDecimalScale(2).maxBigDecimalPrecision(5).maxBigIntegerBits(8).build();
        assertEquals(new BigDecimal("123.45"), tight.decode(tight.encode(new BigDecimal("123.45")), BigDecimal.class));
        assertThrows(CodecException.class, () -> tight.encode(new BigDecimal("1.234")));
        assertThrows(CodecException.class, () -> tight.encode(new BigDecimal("1234.56")));
        assertThrows(CodecException.class, () -> tight.decode(codec.encode(new BigDecimal("1234.56")), BigDecimal.class));
        assertEquals(BigInteger.valueOf(255), tight.decode(tight.encode(BigInteger.valueOf(255)), BigInteger.class));
        assertThrows(CodecException.class, () -> tight.encode(BigInteger.valueOf(256)));
        assertThrows(CodecException.class, () -> tight.decode(codec.encode(BigInteger.valueOf(256)), BigInteger.class));

        assertThrows(IllegalArgumentException.class, () -> DeterministicCodec.builder().maxBigDecimalScale(-1));
        assertThrows(IllegalArgumentException.class, () -> DeterministicCodec.builder().maxBigDecimalPrecision(0));
        assertThrows(IllegalArgumentException.class, () -> DeterministicCodec.builder().maxBigIntegerBits(0));
        DeterministicCodec defaults = DeterministicCodec.builder().build();
        assertEquals(4096, defaults.maxBigDecimalScale());
        assertEquals(4096, defaults.maxBigDecimalPrecision());
        assertEquals(16384, defaults.maxBigIntegerBits());
    }
}
