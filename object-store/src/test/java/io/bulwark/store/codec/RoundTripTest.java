package io.bulwark.store.codec;

import io.bulwark.store.codec.Fixtures.Address;
import io.bulwark.store.codec.Fixtures.Circle;
import io.bulwark.store.codec.Fixtures.Customer;
import io.bulwark.store.codec.Fixtures.Line;
import io.bulwark.store.codec.Fixtures.Money;
import io.bulwark.store.codec.Fixtures.Shape;
import io.bulwark.store.codec.Fixtures.Square;
import io.bulwark.store.codec.Fixtures.Status;
import org.junit.jupiter.api.Test;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.EnumMap;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.LinkedList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Every supported type survives a round trip, and what decodes re-encodes to the same bytes. */
class RoundTripTest {
    private final DeterministicCodec codec = Fixtures.codec();

    private <T> T roundTrip(Object value, Class<T> expected) {
        byte[] bytes = codec.encode(value);
        T decoded = codec.decode(bytes, expected);
        assertArrayEquals(bytes, codec.encode(decoded), "re-encoding the decoded value changed the bytes");
        return decoded;
    }

    private void assertRoundTrip(Object value) {
        assertEquals(value, roundTrip(value, Object.class));
    }

    @Test
    void scalars() {
        for (Object value : List.of(true, false, (byte) -128, (byte) 127, (short) -32768, (short) 32767, 'x', '\uFFFF',
                0, -1, 1, Integer.MIN_VALUE, Integer.MAX_VALUE, 0L, Long.MIN_VALUE, Long.MAX_VALUE,
                1.5f, Float.MIN_VALUE, Float.NEGATIVE_INFINITY, 2.5, Double.MAX_VALUE, Double.POSITIVE_INFINITY,
                "", "plain", "ünïcødé ✓ 𝄞 東京", BigInteger.ZERO, new BigInteger("-1"),
                new BigInteger("340282366920938463463374607431768211456"), new BigDecimal("0.000"),
                new BigDecimal("-12345.6789"), new BigDecimal("1E+400"), UUID.randomUUID(),
                Instant.EPOCH, Instant.MIN, Instant.MAX, Instant.ofEpochSecond(-1, 1), LocalDate.MIN, LocalDate.MAX,
                LocalDate.of(2000, 2, 29), LocalDateTime.MIN, LocalDateTime.MAX, LocalTime.MIDNIGHT, LocalTime.MAX,
                Duration.ZERO, Duration.ofSeconds(Long.MIN_VALUE), Duration.ofSeconds(Long.MAX_VALUE, 999_999_999))) {
            assertRoundTrip(value);
        }
        assertNull(roundTrip(null, String.class));
    }

    @Test
    void primitiveExpectedTypesAcceptTheirBoxes() {
        assertEquals(42, codec.decode(codec.encode(42), int.class));
        assertEquals(true, codec.decode(codec.encode(true), boolean.class));
    }

    @Test
    void floatsKeepNegativeZeroAndCanonicaliseNaN() {
        assertEquals(Double.doubleToRawLongBits(-0.0), Double.doubleToRawLongBits(roundTrip(-0.0, Double.class)));
        assertEquals(Float.floatToRawIntBits(-0.0f), Float.floatToRawIntBits(roundTrip(-0.0f, Float.class)));
        double oddNaN = Double.longBitsToDouble(0x7ff0000000000abcL);
        assertArrayEquals(codec.encode(Double.NaN), codec.encode(oddNaN));
        float oddFloatNaN = Float.intBitsToFloat(0xffc00001);
        assertArrayEquals(codec.encode(Float.NaN), codec.encode(oddFloatNaN));
        assertTrue(Double.isNaN(roundTrip(oddNaN, Double.class)));
    }

    @Test
    void primitiveArrays() {
        assertArrayEquals(new boolean[] {true, false}, roundTrip(new boolean[] {true, false}, boolean[].class));
        assertArrayEquals(new byte[] {1, -1}, roundTrip(new byte[] {1, -1}, byte[].class));
        assertArrayEquals(new short[] {1, -1}, roundTrip(new short[] {1, -1}, short[].class));
        assertArrayEquals(new char[] {'a', '\u0000'}, roundTrip(new char[] {'a', '\u0000'}, char[].class));
        assertArrayEquals(new int[] {1, -1, Integer.MAX_VALUE}, roundTrip(new int[] {1, -1, Integer.MAX_VALUE}, int[].class));
        assertArrayEquals(new long[] {Long.MIN_VALUE}, roundTrip(new long[] {Long.MIN_VALUE}, long[].class));
        assertArrayEquals(new float[] {1.5f, -0.0f}, roundTrip(new float[] {1.5f, -0.0f}, float[].class));
        assertArrayEquals(new double[] {1.5, Double.NaN}, roundTrip(new double[] {1.5, Double.NaN}, double[].class));
        assertArrayEquals(new byte[0], roundTrip(new byte[0], byte[].class));
    }

    @Test
    void referenceArrays() {
        String[] strings = roundTrip(new String[] {"a", null, ""}, String[].class);
        assertArrayEquals(new String[] {"a", null, ""}, strings);
        Money[] monies = roundTrip(new Money[] {new Money(BigDecimal.ONE, "EUR")}, Money[].class);
        assertEquals(Money[].class, monies.getClass());
        int[][] grid = roundTrip(new int[][] {{1, 2}, {}, null}, int[][].class);
        assertArrayEquals(new int[][] {{1, 2}, {}, null}, grid);
        Object[] mixed = roundTrip(new Object[] {1, "two", List.of(3)}, Object[].class);
        assertArrayEquals(new Object[] {1, "two", List.of(3)}, mixed);
    }

    @Test
    void listsOfEveryKindDecodeAsArrayList() {
        for (List<?> list : List.of(List.of(), List.of(1), List.of(1, 2, 3), new ArrayList<>(List.of("a", "b")),
                Arrays.asList("x", null), Collections.unmodifiableList(new ArrayList<>(List.of(1))),
                new LinkedList<>(List.of(5, 6)))) {
            List<?> decoded = roundTrip(list, List.class);
            assertInstanceOf(ArrayList.class, decoded);
            assertEquals(list, decoded);
        }
        assertArrayEquals(codec.encode(List.of(1, 2)), codec.encode(new LinkedList<>(List.of(1, 2))));
    }

    @Test
    void setsDecodeInCanonicalOrder() {
        Set<?> decoded = roundTrip(new HashSet<>(Set.of("b", "a", "c")), Set.class);
        assertInstanceOf(LinkedHashSet.class, decoded);
        assertEquals(Set.of("a", "b", "c"), decoded);
        Set<?> sorted = roundTrip(new TreeSet<>(Set.of(3, 1, 2)), Set.class);
        assertInstanceOf(TreeSet.class, sorted);
        assertEquals(List.of(1, 2, 3), new ArrayList<>(sorted));
        Set<?> enums = roundTrip(EnumSet.of(Status.CLOSED, Status.OPEN), Set.class);
        assertEquals(Set.of(Status.CLOSED, Status.OPEN), enums);
        assertEquals(Set.of(), roundTrip(Set.of(), Set.class));
    }

    @Test
    void mapsDecodeAsLinkedHashMapOrTreeMap() {
        Map<String, Integer> source = new HashMap<>();
        source.put("one", 1);
        source.put(null, 0);
        source.put("two", null);
        Map<?, ?> decoded = roundTrip(source, Map.class);
        assertInstanceOf(LinkedHashMap.class, decoded);
        assertEquals(source, decoded);
        Map<?, ?> sorted = roundTrip(new TreeMap<>(Map.of("b", 2, "a", 1)), Map.class);
        assertInstanceOf(TreeMap.class, sorted);
        assertEquals(List.of("a", "b"), new ArrayList<>(sorted.keySet()));
        Map<Status, Integer> enumMap = new EnumMap<>(Status.class);
        enumMap.put(Status.ARCHIVED, 1);
        assertEquals(enumMap, roundTrip(enumMap, Map.class));
        assertEquals(Map.of("k", List.of(Map.of(1, Set.of("v")))), roundTrip(new ConcurrentHashMap<>(
                Map.of("k", List.of(Map.of(1, Set.of("v"))))), Map.class));
    }

    @Test
    void enumsByNameIncludingConstantsWithBodies() {
        assertSame(Status.CLOSED, roundTrip(Status.CLOSED, Status.class));
        assertSame(Status.OPEN, roundTrip(Status.OPEN, Object.class));
        byte[] bytes = codec.encode(Status.CLOSED);
        String hex = Fixtures.hex(bytes);
        assertTrue(hex.endsWith(Fixtures.hex("CLOSED".getBytes())), "the constant's name is in the bytes: " + hex);
    }

    @Test
    void recordsAndInterfacesTheyImplement() {
        Line line = new Line("A", 2, new Money(new BigDecimal("1.10"), "EUR"), Status.OPEN);
        assertEquals(line, roundTrip(line, Line.class));
        List<Shape> shapes = List.of(new Circle(1), new Square(2));
        assertEquals(shapes, roundTrip(shapes, List.class));
        assertEquals(new Line(null, 0, null, null), roundTrip(new Line(null, 0, null, null), Line.class));
    }

    @Test
    void plainClassesWithNestedValuesSkippingTransientState() {
        Customer customer = Fixtures.customer(1);
        Customer decoded = roundTrip(customer, Customer.class);
        assertEquals(customer, decoded);
        assertEquals(7, decoded.cached, "transient fields keep the constructor's value");
        assertEquals("initial", decoded.scratch, "@Transient fields keep the constructor's value");
        assertInstanceOf(LinkedHashMap.class, decoded.counters, "a field declared HashMap gets a LinkedHashMap");
        assertInstanceOf(TreeMap.class, decoded.ranks);
        assertEquals(new Address("1 Main St", "Springfield", 12345), decoded.address);
    }
}
