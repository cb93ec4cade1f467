package io.bulwark.store.key;

import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.SplittableRandom;
import java.util.UUID;
import java.util.function.Function;

import static org.junit.jupiter.api.Assertions.*;

class KeyEncodingTest {
    private enum Color { RED, GREEN, BLUE }

    /** Sorting by encoding must give the same order as sorting by value, for ids and indexed values. */
    private static <T> void assertOrderPreserved(Class<?> type, List<T> values, Comparator<T> order) {
        for (T a : values) {
            for (T b : values) {
                int expected = Integer.signum(order.compare(a, b));
                assertEquals(expected, Integer.signum(Arrays.compareUnsigned(KeyEncoding.encodeValue(type, a), KeyEncoding.encodeValue(type, b))),
                        () -> "value order of " + a + " and " + b);
                if (KeyEncoding.supportsId(type))
                    assertEquals(expected, Integer.signum(Arrays.compareUnsigned(KeyEncoding.encodeId(type, a), KeyEncoding.encodeId(type, b))),
                            () -> "id order of " + a + " and " + b);
            }
        }
    }

    private static <T> List<T> sample(Function<SplittableRandom, T> gen, List<T> edges) {
        SplittableRandom r = new SplittableRandom(42);
        List<T> out = new ArrayList<>(edges);
        for (int i = 0; i < 60; i++) out.add(gen.apply(r));
        return out;
    }

    @Test
    void signedIntegersKeepNumericOrder() {
        assertOrderPreserved(long.class, sample(SplittableRandom::nextLong,
                List.of(Long.MIN_VALUE, -1L, 0L, 1L, Long.MAX_VALUE)), Comparator.naturalOrder());
        assertOrderPreserved(Integer.class, sample(SplittableRandom::nextInt,
                List.of(Integer.MIN_VALUE, -1, 0, 1, Integer.MAX_VALUE)), Comparator.naturalOrder());
        assertOrderPreserved(short.class, sample(r -> (short) r.nextInt(), List.of(Short.MIN_VALUE, (short) -1, (short) 0, Short.MAX_VALUE)), Comparator.naturalOrder());
        assertOrderPreserved(Byte.class, sample(r -> (byte) r.nextInt(), List.of(Byte.MIN_VALUE, (byte) -1, (byte) 0, Byte.MAX_VALUE)), Comparator.naturalOrder());
        assertEquals(8, KeyEncoding.encodeId(long.class, 5L).length);
        assertEquals(4, KeyEncoding.encodeId(int.class, 5).length);
    }

    @Test
    void stringsKeepPrefixOrderEvenWithZeroCharacters() {
        List<String> edges = List.of("", "a", "a\0", "a\0\0", "a\0b", "ab", "abc", "b", "\0", "\u00ff", "\uffff", "é", "zz");
        assertOrderPreserved(String.class, sample(r -> {
            StringBuilder b = new StringBuilder();
            int n = r.nextInt(6);
            for (int i = 0; i < n; i++) b.append((char) (r.nextBoolean() ? r.nextInt(3) : 'a' + r.nextInt(3)));
            return b.toString();
        }, edges), Comparator.naturalOrder());
        // Above U+FFFF the order is by code point, which is UTF-8's order.
        assertTrue(Arrays.compareUnsigned(KeyEncoding.encodeId(String.class, "\uffff"), KeyEncoding.encodeId(String.class, "\uD83D\uDE00")) < 0);
    }

    @Test
    void unpairedSurrogateIsRejected() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> KeyEncoding.encodeId(String.class, "a\uD800b"));
        assertTrue(e.getMessage().contains("surrogate"));
    }

    @Test
    void uuidsOrderAsUnsigned128BitValues() {
        List<UUID> v = sample(r -> new UUID(r.nextLong(), r.nextLong()),
                List.of(new UUID(0, 0), new UUID(0, -1), new UUID(-1, 0), new UUID(Long.MIN_VALUE, 0), new UUID(Long.MAX_VALUE, 0)));
        Comparator<UUID> unsigned = Comparator.<UUID>comparingLong(u -> u.getMostSignificantBits() ^ Long.MIN_VALUE)
                .thenComparingLong(u -> u.getLeastSignificantBits() ^ Long.MIN_VALUE);
        assertOrderPreserved(UUID.class, v, unsigned);
    }

    @Test
    void booleansCharsEnumsAndTimes() {
        assertOrderPreserved(boolean.class, List.of(false, true), Comparator.naturalOrder());
        assertOrderPreserved(char.class, List.of('\0', 'a', 'z', '\uffff'), Comparator.naturalOrder());
        // Enums order by name, not by ordinal: BLUE < GREEN < RED.
        assertOrderPreserved(Color.class, List.of(Color.values()), Comparator.comparing(Enum::name));
        assertOrderPreserved(Instant.class, sample(r -> Instant.ofEpochSecond(r.nextLong(-1_000_000_000L, 1_000_000_000L), r.nextInt(1_000_000_000)),
                List.of(Instant.MIN, Instant.EPOCH, Instant.ofEpochSecond(-1, 999_999_999), Instant.MAX)), Comparator.naturalOrder());
        assertOrderPreserved(LocalDate.class, sample(r -> LocalDate.ofEpochDay(r.nextLong(-300_000, 300_000)),
                List.of(LocalDate.MIN, LocalDate.EPOCH, LocalDate.MAX)), Comparator.naturalOrder());
        assertOrderPreserved(LocalDateTime.class, sample(r -> LocalDateTime.of(LocalDate.ofEpochDay(r.nextLong(-3000, 3000)), java.time.LocalTime.ofNanoOfDay(r.nextLong(86_400_000_000_000L))),
                List.of(LocalDateTime.MIN, LocalDateTime.MAX)), Comparator.naturalOrder());
    }

    @Test
    void nullsSortFirstAndAreDistinctFromEveryValue() {
        byte[] nul = KeyEncoding.encodeValue(String.class, null);
        assertArrayEquals(new byte[] {0}, nul);
        for (String s : List.of("", "\0", "a"))
            assertTrue(Arrays.compareUnsigned(nul, KeyEncoding.encodeValue(String.class, s)) < 0);
        assertTrue(Arrays.compareUnsigned(nul, KeyEncoding.encodeValue(long.class, Long.MIN_VALUE)) < 0);
        assertThrows(IllegalArgumentException.class, () -> KeyEncoding.encodeId(Long.class, null));
    }

    @Test
    void compositeKeysSortByValueThenIdAndShareTheValuePrefix() {
        List<String> values = List.of("", "a", "a\0", "ab", "b");
        List<Long> ids = List.of(Long.MIN_VALUE, -1L, 0L, 7L, Long.MAX_VALUE);
        List<byte[]> keys = new ArrayList<>();
        for (String v : values) for (long id : ids)
            keys.add(KeyEncoding.composite(KeyEncoding.encodeValue(String.class, v), KeyEncoding.encodeId(long.class, id)));
        for (int i = 1; i < keys.size(); i++)
            assertTrue(Arrays.compareUnsigned(keys.get(i - 1), keys.get(i)) < 0, "composite keys in (value, id) order at " + i);
        // Every entry of value "a" lies in [enc("a"), prefixEnd(enc("a"))), and no entry of another value does.
        byte[] from = KeyEncoding.encodeValue(String.class, "a");
        byte[] to = KeyEncoding.prefixEnd(from);
        for (int i = 0; i < keys.size(); i++) {
            boolean inside = Arrays.compareUnsigned(keys.get(i), from) >= 0 && Arrays.compareUnsigned(keys.get(i), to) < 0;
            assertEquals(values.get(i / ids.size()).equals("a"), inside, "entry " + i);
        }
    }

    @Test
    void prefixEndCarriesAndIsUnboundedForAllOnes() {
        assertArrayEquals(new byte[] {1, 3}, KeyEncoding.prefixEnd(new byte[] {1, 2}));
        assertArrayEquals(new byte[] {2}, KeyEncoding.prefixEnd(new byte[] {1, (byte) 0xFF}));
        assertNull(KeyEncoding.prefixEnd(new byte[] {(byte) 0xFF, (byte) 0xFF}));
    }

    @Test
    void coercionWidensAndNarrowsIntegersOnlyWhenTheyFit() {
        assertEquals(5L, KeyEncoding.coerce(long.class, 5));
        assertEquals(5, KeyEncoding.coerce(Integer.class, 5L));
        assertThrows(IllegalArgumentException.class, () -> KeyEncoding.coerce(int.class, 1L << 40));
        assertThrows(IllegalArgumentException.class, () -> KeyEncoding.coerce(String.class, 5));
        assertThrows(IllegalArgumentException.class, () -> KeyEncoding.coerce(long.class, 5.0));
        assertArrayEquals(KeyEncoding.encodeId(long.class, 5L), KeyEncoding.encodeId(Long.class, 5));
        assertFalse(KeyEncoding.supports(double.class));
        assertFalse(KeyEncoding.supportsId(boolean.class));
        assertThrows(IllegalArgumentException.class, () -> KeyEncoding.encodeValue(Object.class, "x"));
    }
}
