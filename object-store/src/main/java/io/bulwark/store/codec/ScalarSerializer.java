package io.bulwark.store.codec;

import com.esotericsoftware.kryo.Kryo;
import com.esotericsoftware.kryo.Serializer;
import com.esotericsoftware.kryo.io.Input;
import com.esotericsoftware.kryo.io.Output;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.util.Arrays;
import java.util.UUID;
import java.util.function.BiConsumer;
import java.util.function.Function;

/** A built-in leaf type: a write function and a strict read function, nothing nested. */
final class ScalarSerializer<T> extends Serializer<T> {
    private static final int NANOS_PER_SECOND = 1_000_000_000;

    private final BiConsumer<Output, T> writer;
    private final Function<Input, T> reader;

    private ScalarSerializer(BiConsumer<Output, T> writer, Function<Input, T> reader) {
        super(false, true);
        this.writer = writer;
        this.reader = reader;
    }

    @Override
    public void write(Kryo kryo, Output output, T value) {
        writer.accept(output, value);
    }

    @Override
    public T read(Kryo kryo, Input input, Class<? extends T> type) {
        return reader.apply(input);
    }

    static <T> ScalarSerializer<T> of(BiConsumer<Output, T> writer, Function<Input, T> reader) {
        return new ScalarSerializer<>(writer, reader);
    }

    /** A box shares the wire form of its primitive. */
    static ScalarSerializer<Object> boxOf(Class<?> primitive) {
        return of((out, v) -> Primitives.write(primitive, out, v), in -> Primitives.read(primitive, in));
    }

    static final ScalarSerializer<String> STRING = of(Wire::writeString, Wire::readString);

    /** Two's complement, big-endian, minimal length (as {@link BigInteger#toByteArray()}). */
    static final ScalarSerializer<BigInteger> BIG_INTEGER = of(ScalarSerializer::writeBigInteger,
            ScalarSerializer::readBigInteger);

    static final ScalarSerializer<BigDecimal> BIG_DECIMAL = of((out, v) -> {
        Wire.writeSigned(out, v.scale());
        writeBigInteger(out, v.unscaledValue());
    }, in -> {
        int scale = Wire.readSignedInt(in);
        return new BigDecimal(readBigInteger(in), scale);
    });

    static final ScalarSerializer<UUID> UUID_SERIALIZER = of((out, v) -> {
        out.writeLong(v.getMostSignificantBits());
        out.writeLong(v.getLeastSignificantBits());
    }, in -> new UUID(in.readLong(), in.readLong()));

    static final ScalarSerializer<Instant> INSTANT = of((out, v) -> {
        Wire.writeSigned(out, v.getEpochSecond());
        Wire.writeUnsigned(out, v.getNano());
    }, in -> Instant.ofEpochSecond(Wire.readSigned(in), readNanos(in)));

    static final ScalarSerializer<Duration> DURATION = of((out, v) -> {
        Wire.writeSigned(out, v.getSeconds());
        Wire.writeUnsigned(out, v.getNano());
    }, in -> Duration.ofSeconds(Wire.readSigned(in), readNanos(in)));

    static final ScalarSerializer<LocalDate> LOCAL_DATE = of(
            (out, v) -> Wire.writeSigned(out, v.toEpochDay()),
            in -> LocalDate.ofEpochDay(Wire.readSigned(in)));

    static final ScalarSerializer<LocalTime> LOCAL_TIME = of(
            (out, v) -> Wire.writeUnsigned(out, v.toNanoOfDay()),
            in -> LocalTime.ofNanoOfDay(Wire.readUnsigned(in)));

    static final ScalarSerializer<LocalDateTime> LOCAL_DATE_TIME = of((out, v) -> {
        Wire.writeSigned(out, v.toLocalDate().toEpochDay());
        Wire.writeUnsigned(out, v.toLocalTime().toNanoOfDay());
    }, in -> LocalDateTime.of(LocalDate.ofEpochDay(Wire.readSigned(in)), LocalTime.ofNanoOfDay(Wire.readUnsigned(in))));

    private static void writeBigInteger(Output out, BigInteger v) {
        byte[] bytes = v.toByteArray();
        Wire.writeUnsigned(out, bytes.length);
        out.writeBytes(bytes);
    }

    private static BigInteger readBigInteger(Input in) {
        int length = Wire.readCount(in, 1, "big integer");
        if (length == 0) {
            throw new CodecException("big integer with no bytes");
        }
        byte[] bytes = in.readBytes(length);
        BigInteger value = new BigInteger(bytes);
        if (!Arrays.equals(value.toByteArray(), bytes)) {
            throw new CodecException("non-canonical big integer (redundant sign bytes)");
        }
        return value;
    }

    /** Nanoseconds must already be normalised: the factories would otherwise fold a larger value in. */
    private static long readNanos(Input in) {
        long nanos = Wire.readUnsigned(in);
        if (nanos < 0 || nanos >= NANOS_PER_SECOND) {
            throw new CodecException("nanosecond field out of range: " + Long.toUnsignedString(nanos));
        }
        return nanos;
    }
}
