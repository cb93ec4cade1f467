package io.bulwark.store.codec;

import io.bulwark.store.codec.Fixtures.Address;
import io.bulwark.store.codec.Fixtures.Status;
import org.junit.jupiter.api.Test;

import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Equal graphs built in different orders give the same bytes; non-canonical input is refused. */
class CanonicalOrderTest {
    private final DeterministicCodec codec = Fixtures.codec();

    @Test
    void insertionOrderNeverReachesTheBytes() {
        byte[] reference = codec.encode(Fixtures.customer(0));
        for (long seed = 1; seed <= 20; seed++) {
            assertArrayEquals(reference, codec.encode(Fixtures.customer(seed)), "seed " + seed);
        }
    }

    @Test
    void registrationOrderDoesNotMatter() {
        assertArrayEquals(codec.encode(Fixtures.customer(3)), Fixtures.codecRegisteredReversed().encode(Fixtures.customer(4)));
    }

    @Test
    void mapAndSetImplementationsWithEqualContentsEncodeAlike() {
        Map<String, Integer> linked = new LinkedHashMap<>();
        linked.put("z", 26);
        linked.put("a", 1);
        linked.put("m", 13);
        byte[] expected = codec.encode(linked);
        assertArrayEquals(expected, codec.encode(Map.of("a", 1, "m", 13, "z", 26)));
        assertArrayEquals(expected, codec.encode(new HashMap<>(linked)));
        assertArrayEquals(codec.encode(Set.of(Status.OPEN, Status.CLOSED)),
                codec.encode(new HashSet<>(List.of(Status.CLOSED, Status.OPEN))));
        assertArrayEquals(codec.encode(new TreeSet<>(Set.of(1, 2))), codec.encode(new TreeSet<>(List.of(2, 1))));
    }

    @Test
    void entriesAreOrderedByTheirKeysEncodings() {
        Map<Integer, String> map = new HashMap<>();
        Random random = new Random(42);
        for (int i = 0; i < 200; i++) {
            map.put(random.nextInt(), "v" + i);
        }
        Map<?, ?> decoded = codec.decode(codec.encode(map), Map.class);
        byte[] previous = null;
        for (Object key : decoded.keySet()) {
            byte[] current = codec.encode(key);
            if (previous != null) {
                assertTrue(CanonicalOrder.compare(previous, current) < 0);
            }
            previous = current;
        }
        assertEquals(map, decoded);
    }

    @Test
    void customComparatorsAreRefused() {
        TreeSet<String> reversed = new TreeSet<>(Comparator.reverseOrder());
        reversed.add("a");
        CodecException e = assertThrows(CodecException.class, () -> codec.encode(reversed));
        assertTrue(e.getMessage().contains("custom comparator"), e.getMessage());
        TreeMap<String, Integer> map = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);
        assertThrows(CodecException.class, () -> codec.encode(map));
    }

    @Test
    void distinctKeysWithEqualEncodingsAreRefused() {
        Map<Address, Integer> identity = new IdentityHashMap<>();
        identity.put(new Address("x", "y", 1), 1);
        identity.put(new Address("x", "y", 1), 2);
        CodecException e = assertThrows(CodecException.class, () -> codec.encode(identity));
        assertTrue(e.getMessage().contains("same encoding"), e.getMessage());
    }

    @Test
    void duplicateOrMisorderedInputIsRefused() {
        // {"a": 1, "b": 2} as a map, then with the entries swapped and with "a" twice.
        byte[] canonical = codec.encode(Map.of("a", 1, "b", 2));
        assertEquals("1702" + "090161" + "0502" + "090162" + "0504", Fixtures.hex(canonical));
        byte[] swapped = bytes("1702" + "090162" + "0504" + "090161" + "0502");
        byte[] twice = bytes("1702" + "090161" + "0502" + "090161" + "0504");
        assertTrue(assertThrows(CodecException.class, () -> codec.decode(swapped, Map.class)).getMessage()
                .contains("canonical order"));
        assertThrows(CodecException.class, () -> codec.decode(twice, Map.class));
        byte[] setTwice = bytes("1502" + "090161" + "090161");
        assertThrows(CodecException.class, () -> codec.decode(setTwice, Set.class));
    }

    static byte[] bytes(String hex) {
        byte[] out = new byte[hex.length() / 2];
        for (int i = 0; i < out.length; i++) {
            out[i] = (byte) Integer.parseInt(hex.substring(2 * i, 2 * i + 2), 16);
        }
        return out;
    }
}
