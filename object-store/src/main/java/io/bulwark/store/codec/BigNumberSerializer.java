package io.bulwark.store.codec;

import com.esotericsoftware.kryo.Kryo;
import com.esotericsoftware.kryo.Serializer;
import com.esotericsoftware.kryo.io.Input;
import com.esotericsoftware.kryo.io.Output;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.Arrays;

/**
 * BigInteger (two's complement, big-endian, minimal length, as {@link BigInteger#toByteArray()}) and
 * BigDecimal (zigzag scale, then the unscaled value as a BigInteger), within the codec's
 * {@link NumberLimits} both ways: a value beyond them is a CodecException, never a long computation.
 */
abstract sealed class BigNumberSerializer<T> extends Serializer<T> {
    static final BigNumberSerializer<BigInteger> BIG_INTEGER = new Integers();
    static final BigNumberSerializer<BigDecimal> BIG_DECIMAL = new Decimals();

    private BigNumberSerializer() {
        super(false, true);
    }

    private static NumberLimits limits(Kryo kryo) {
        return ((CodecKryo) kryo).numberLimits();
    }

    private static final class Integers extends BigNumberSerializer<BigInteger> {
        @Override
        public void write(Kryo kryo, Output output, BigInteger value) {
            int max = limits(kryo).maxBigIntegerBits();
            if (value.bitLength() > max) {
                throw new CodecException("a BigInteger of " + value.bitLength() + " bits exceeds the limit of " + max + " bits");
            }
            writeTwosComplement(output, value);
        }

        @Override
        public BigInteger read(Kryo kryo, Input input, Class<? extends BigInteger> type) {
            int max = limits(kryo).maxBigIntegerBits();
            BigInteger value = readTwosComplement(input, max, "BigInteger");
            if (value.bitLength() > max) {
                throw new CodecException("a BigInteger of " + value.bitLength() + " bits exceeds the limit of " + max + " bits");
            }
            return value;
        }
    }

    private static final class Decimals extends BigNumberSerializer<BigDecimal> {
        @Override
        public void write(Kryo kryo, Output output, BigDecimal value) {
            NumberLimits limits = limits(kryo);
            checkScale(value.scale(), limits);
            BigInteger unscaled = value.unscaledValue();
            checkDigits(unscaled, limits);
            Wire.writeSigned(output, value.scale());
            writeTwosComplement(output, unscaled);
        }

        @Override
        public BigDecimal read(Kryo kryo, Input input, Class<? extends BigDecimal> type) {
            NumberLimits limits = limits(kryo);
            long scale = Wire.readSigned(input);
            checkScale(scale, limits);
            BigInteger unscaled = readTwosComplement(input, limits.maxUnscaledBits(), "BigDecimal unscaled value");
            checkDigits(unscaled, limits);
            return new BigDecimal(unscaled, (int) scale);
        }

        private static void checkScale(long scale, NumberLimits limits) {
            if (Math.abs(scale) > limits.maxScale()) {
                throw new CodecException("a BigDecimal scale of " + scale + " is beyond the limit of +/-" + limits.maxScale());
            }
        }

        /** Bits first (cheap, and bounds the work of counting digits), then the exact digit count. */
        private static void checkDigits(BigInteger unscaled, NumberLimits limits) {
            if (unscaled.bitLength() > limits.maxUnscaledBits()
                    || new BigDecimal(unscaled).precision() > limits.maxPrecision()) {
                throw new CodecException("a BigDecimal with more than " + limits.maxPrecision() + " digits");
            }
        }
    }

    private static void writeTwosComplement(Output out, BigInteger v) {
        byte[] bytes = v.toByteArray();
        Wire.writeUnsigned(out, bytes.length);
        out.writeBytes(bytes);
    }

    /** Refuses a length that cannot hold a value of at most {@code maxBits} before reading its bytes. */
    private static BigInteger readTwosComplement(Input in, int maxBits, String what) {
        int length = Wire.readCount(in, 1, what);
        if (length == 0) {
            throw new CodecException(what + " with no bytes");
        }
        if (length > maxBits / 8 + 1) {
            throw new CodecException(what + " of " + length + " bytes exceeds the limit of " + maxBits + " bits");
        }
        byte[] bytes = in.readBytes(length);
        BigInteger value = new BigInteger(bytes);
        if (!Arrays.equals(value.toByteArray(), bytes)) {
            throw new CodecException("non-canonical " + what + " (redundant sign bytes)");
        }
        return value;
    }
}
