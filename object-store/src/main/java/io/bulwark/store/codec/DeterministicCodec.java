package io.bulwark.store.codec;

import com.esotericsoftware.kryo.io.Input;
import com.esotericsoftware.kryo.util.Pool;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * The object store's deterministic codec, on Kryo 5: equal object graphs give equal bytes on every
 * replica and client, whatever their JVM, start-up order or hash seeds; and decoding hostile bytes
 * either yields a value of the expected type or throws {@link CodecException}.
 * <p>
 * How: registration is required and every type tag is a stable id derived from the class name
 * ({@link TypeIds}), never a class name or a registration number; fields are in name order; sets and
 * maps are written in the canonical order of their elements' and keys' encodings
 * ({@link CanonicalOrder}); every primitive form is canonical ({@link Wire}), so a value has exactly
 * one encoding and whatever decodes re-encodes to the same bytes. Floats keep -0.0 (Java's
 * {@code equals} tells it from 0.0) and collapse every NaN to the canonical one.
 * <p>
 * Always available: primitives and their boxes, String, BigInteger, BigDecimal, UUID, Instant,
 * LocalDate, LocalDateTime, LocalTime, Duration, primitive arrays, any JDK List (decoded as
 * ArrayList), Set (LinkedHashSet, or TreeSet if it was sorted in natural order), Map (LinkedHashMap,
 * or TreeMap), and arrays of any of these or of registered classes. Records, enums (by constant name)
 * and plain classes with a no-argument constructor must be registered. A plain class is encoded by its
 * instance fields, except those with the {@code transient} modifier and those carrying any annotation
 * whose simple name is {@code Transient} (Bulwark's, or {@code jakarta.persistence.Transient}); on
 * decoding they keep what the no-argument constructor gives them.
 * <p>
 * Limits: the graph's depth (a cycle is reported as such), the bytes on both sides, and the size of
 * BigDecimal and BigInteger values ({@link NumberLimits}) on both sides. On input every
 * count and length is checked against the bytes that remain before anything is allocated.
 * <p>
 * A StackOverflowError is never turned into a CodecException (a normal reply): it depends on the
 * thread's stack and the JIT, not on the input, so it propagates like any Error; {@link #MAX_DEPTH_LIMIT}
 * keeps it from happening on a default stack.
 * <p>
 * Thread-safe: Kryo instances are pooled.
 */
public final class DeterministicCodec {
    public static final int DEFAULT_MAX_DEPTH = 64;
    public static final int DEFAULT_MAX_BYTES = 16 * 1024 * 1024;
    public static final int DEFAULT_MAX_BIG_DECIMAL_SCALE = NumberLimits.DEFAULTS.maxScale();
    public static final int DEFAULT_MAX_BIG_DECIMAL_PRECISION = NumberLimits.DEFAULTS.maxPrecision();
    public static final int DEFAULT_MAX_BIG_INTEGER_BITS = NumberLimits.DEFAULTS.maxBigIntegerBits();
    /**
     * The deepest limit allowed: the depth check must fire long before the thread's stack runs out,
     * since how much stack a level takes depends on the JIT and a stack overflow would not be the same
     * at every replica. Measured on JDK 17 (x64) with a 1 MB stack, the JVM's default and the replica's
     * execution thread's: interpreted, 1,324 levels of the deepest kind (maps nested as keys) fit, about
     * 790 bytes a level; compiled code takes less. 256 levels need about 200 KB, a fifth of the stack,
     * leaving the rest to the engine, the operation and the store above the codec.
     */
    public static final int MAX_DEPTH_LIMIT = 256;
    private static final int POOLED_INSTANCES = 16;

    private final TypeTable table;
    private final int maxDepth;
    private final int maxBytes;
    private final NumberLimits numberLimits;
    private final Pool<CodecKryo> pool;

    private DeterministicCodec(TypeTable table, int maxDepth, int maxBytes, NumberLimits numberLimits) {
        this.table = table;
        this.maxDepth = maxDepth;
        this.maxBytes = maxBytes;
        this.numberLimits = numberLimits;
        this.pool = new Pool<>(true, false, POOLED_INSTANCES) {
            @Override
            protected CodecKryo create() {
                return new CodecKryo(table, maxDepth, maxBytes, numberLimits);
            }
        };
    }

    public static Builder builder() {
        return new Builder();
    }

    public int maxDepth() {
        return maxDepth;
    }

    public int maxBytes() {
        return maxBytes;
    }

    public int maxBigDecimalScale() {
        return numberLimits.maxScale();
    }

    public int maxBigDecimalPrecision() {
        return numberLimits.maxPrecision();
    }

    public int maxBigIntegerBits() {
        return numberLimits.maxBigIntegerBits();
    }

    /** Whether values of this class can be encoded (a built-in type, or registered). */
    public boolean isRegistered(Class<?> type) {
        return table.forClass(Objects.requireNonNull(type, "type")) != null;
    }

    public byte[] encode(Object value) {
        CodecKryo kryo = pool.obtain();
        try {
            BoundedOutput out = new BoundedOutput(maxBytes);
            kryo.writeValue(out, value);
            return out.toBytes();
        } catch (CodecException e) {
            throw e;
        } catch (RuntimeException e) {
            throw new CodecException("cannot encode " + (value == null ? "null" : "a " + value.getClass().getName())
                    + ": " + FailureText.of(e), e);
        } finally {
            kryo.clearOperation();
            pool.free(kryo);
        }
    }

    /**
     * The value the bytes hold, which must be null or an instance of {@code expected} (for a
     * primitive type, of its box).
     */
    @SuppressWarnings("unchecked")
    public <T> T decode(byte[] bytes, Class<T> expected) {
        Objects.requireNonNull(expected, "expected");
        if (bytes == null) {
            throw new CodecException("no bytes to decode");
        }
        if (bytes.length > maxBytes) {
            throw new CodecException("input of " + bytes.length + " bytes exceeds the limit of " + maxBytes);
        }
        Object value;
        CodecKryo kryo = pool.obtain();
        try {
            Input in = new Input(bytes);
            value = kryo.readValue(in);
            if (in.position() != bytes.length) {
                throw new CodecException((bytes.length - in.position()) + " trailing bytes after the value");
            }
        } catch (CodecException e) {
            throw e;
        } catch (RuntimeException e) {
            throw new CodecException("malformed input (" + FailureText.of(e) + ")", e);
        } finally {
            kryo.clearOperation();
            pool.free(kryo);
        }
        if (value == null) {
            if (expected.isPrimitive()) {
                throw new CodecException("expected a " + expected.getName() + " but the input holds null");
            }
            return null;
        }
        if (!Primitives.box(expected).isInstance(value)) {
            throw new CodecException("expected a " + expected.getName() + " but the input holds a "
                    + value.getClass().getName());
        }
        return (T) value;
    }

    /** Collects the registered classes and limits; the order of registration does not matter. */
    public static final class Builder {
        private final List<Class<?>> types = new ArrayList<>();
        private int maxDepth = DEFAULT_MAX_DEPTH;
        private int maxBytes = DEFAULT_MAX_BYTES;
        private int maxBigDecimalScale = DEFAULT_MAX_BIG_DECIMAL_SCALE;
        private int maxBigDecimalPrecision = DEFAULT_MAX_BIG_DECIMAL_PRECISION;
        private int maxBigIntegerBits = DEFAULT_MAX_BIG_INTEGER_BITS;

        private Builder() {
        }

        public Builder register(Class<?>... types) {
            Objects.requireNonNull(types, "types");
            for (Class<?> type : types) {
                this.types.add(Objects.requireNonNull(type, "registered class"));
            }
            return this;
        }

        public Builder maxDepth(int maxDepth) {
            if (maxDepth < 1 || maxDepth > MAX_DEPTH_LIMIT) {
                throw new IllegalArgumentException("maxDepth must be between 1 and " + MAX_DEPTH_LIMIT + ": " + maxDepth);
            }
            this.maxDepth = maxDepth;
            return this;
        }

        public Builder maxBytes(int maxBytes) {
            if (maxBytes < 1) {
                throw new IllegalArgumentException("maxBytes must be positive: " + maxBytes);
            }
            this.maxBytes = maxBytes;
            return this;
        }

        /** The largest |scale| of a BigDecimal (0 or more); every replica and client must agree on it. */
        public Builder maxBigDecimalScale(int maxScale) {
            new NumberLimits(maxScale, maxBigDecimalPrecision, maxBigIntegerBits);   // refuses a bad value here, not at build
            this.maxBigDecimalScale = maxScale;
            return this;
        }

        /** The most decimal digits of a BigDecimal's unscaled value (1 or more). */
        public Builder maxBigDecimalPrecision(int maxDigits) {
            new NumberLimits(maxBigDecimalScale, maxDigits, maxBigIntegerBits);
            this.maxBigDecimalPrecision = maxDigits;
            return this;
        }

        /** The largest bit length of a BigInteger (1 or more). */
        public Builder maxBigIntegerBits(int maxBits) {
            new NumberLimits(maxBigDecimalScale, maxBigDecimalPrecision, maxBits);
            this.maxBigIntegerBits = maxBits;
            return this;
        }

        /**
         * The codec; a class that cannot be registered (abstract, no no-argument constructor, a field
         * of a type the codec cannot decode, an id collision) is an IllegalArgumentException naming it.
         */
        public DeterministicCodec build() {
            NumberLimits limits = new NumberLimits(maxBigDecimalScale, maxBigDecimalPrecision, maxBigIntegerBits);
            return new DeterministicCodec(TypeTable.build(types), maxDepth, maxBytes, limits);
        }
    }
}
