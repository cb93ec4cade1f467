package io.bulwark.store.codec;

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
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Random;
import java.util.Set;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.UUID;

/**
 * The value types and the sample object graph the codec tests share. The graph is built in an order
 * chosen by a seed (map and set insertion orders), so equal graphs can be built differently.
 */
final class Fixtures {
    private Fixtures() {
    }

    enum Status {
        OPEN,
        // A constant with a body is an anonymous subclass of the enum: it must still encode as Status.
        CLOSED {
            @Override
            public String toString() {
                return "closed";
            }
        },
        ARCHIVED
    }

    record Money(BigDecimal amount, String currency) {
    }

    record Line(String sku, int quantity, Money price, Status status) {
    }

    sealed interface Shape permits Circle, Square {
    }

    record Circle(double radius) implements Shape {
    }

    record Square(double side) implements Shape {
    }

    record Positive(int value) {
        Positive {
            if (value <= 0) {
                throw new IllegalArgumentException("not positive: " + value);
            }
        }
    }

    /** An embedded value object: a plain class with a no-argument constructor. */
    static final class Address {
        String street;
        String city;
        int zip;

        Address() {
        }

        Address(String street, String city, int zip) {
            this.street = street;
            this.city = city;
            this.zip = zip;
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof Address a && Objects.equals(street, a.street) && Objects.equals(city, a.city)
                    && zip == a.zip;
        }

        @Override
        public int hashCode() {
            return Objects.hash(street, city, zip);
        }
    }

    /** An entity-like plain class with every kind of field. */
    static class Customer {
        UUID id;
        String name;
        int age;
        long points;
        boolean active;
        double rating;
        float ratio;
        char initial;
        short level;
        byte flags;
        Address address;
        List<Line> lines;
        Map<String, Money> balances;
        Set<Status> statuses;
        Map<Status, List<String>> notes;
        SortedMap<String, Integer> ranks;
        HashMap<String, Long> counters;
        Set<Address> addresses;
        List<Shape> shapes;
        Instant created;
        LocalDate birthday;
        LocalDateTime lastSeen;
        LocalTime opens;
        Duration session;
        BigInteger big;
        byte[] photo;
        int[] lucky;
        String[] aliases;
        Object misc;
        transient int cached = 7;
        @Transient
        String scratch = "initial";

        Customer() {
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof Customer c && Objects.equals(id, c.id) && Objects.equals(name, c.name) && age == c.age
                    && points == c.points && active == c.active && Double.compare(rating, c.rating) == 0
                    && Float.compare(ratio, c.ratio) == 0 && initial == c.initial && level == c.level
                    && flags == c.flags && Objects.equals(address, c.address) && Objects.equals(lines, c.lines)
                    && Objects.equals(balances, c.balances) && Objects.equals(statuses, c.statuses)
                    && Objects.equals(notes, c.notes) && Objects.equals(ranks, c.ranks)
                    && Objects.equals(counters, c.counters) && Objects.equals(addresses, c.addresses)
                    && Objects.equals(shapes, c.shapes) && Objects.equals(created, c.created)
                    && Objects.equals(birthday, c.birthday) && Objects.equals(lastSeen, c.lastSeen)
                    && Objects.equals(opens, c.opens) && Objects.equals(session, c.session)
                    && Objects.equals(big, c.big) && Arrays.equals(photo, c.photo) && Arrays.equals(lucky, c.lucky)
                    && Arrays.equals(aliases, c.aliases) && Objects.equals(misc, c.misc);
        }

        @Override
        public int hashCode() {
            return Objects.hash(id, name, age);
        }
    }

    static final List<Class<?>> TYPES = List.of(Status.class, Money.class, Line.class, Circle.class,
            Square.class, Positive.class, Address.class, Customer.class);

    static DeterministicCodec codec() {
        return DeterministicCodec.builder().register(TYPES.toArray(new Class<?>[0])).build();
    }

    static DeterministicCodec codecRegisteredReversed() {
        List<Class<?>> reversed = new ArrayList<>(TYPES);
        Collections.reverse(reversed);
        DeterministicCodec.Builder builder = DeterministicCodec.builder();
        for (Class<?> type : reversed) {
            builder.register(type);
        }
        return builder.build();
    }

    /** The same customer for every seed; only the insertion orders of its maps and sets differ. */
    static Customer customer(long seed) {
        Random random = new Random(seed);
        Customer c = new Customer();
        c.id = new UUID(0x0123456789abcdefL, 0xfedcba9876543210L);
        c.name = "Zoë Ångström — 東京";
        c.age = 41;
        c.points = -9_000_000_000L;
        c.active = true;
        c.rating = -0.0;
        c.ratio = Float.NaN;
        c.initial = 'Z';
        c.level = -3;
        c.flags = (byte) 0x81;
        c.address = new Address("1 Main St", "Springfield", 12345);
        c.lines = List.of(
                new Line("A-1", 3, new Money(new BigDecimal("9.95"), "EUR"), Status.OPEN),
                new Line("B-22", 1, new Money(new BigDecimal("-0.001"), "USD"), Status.CLOSED),
                new Line("C-333", 0, null, null));
        c.balances = shuffledMap(random, Map.of(
                "EUR", new Money(new BigDecimal("100.50"), "EUR"),
                "USD", new Money(new BigDecimal("3"), "USD"),
                "JPY", new Money(new BigDecimal("12345678901234567890.1"), "JPY"),
                "CHF", new Money(BigDecimal.ZERO, "CHF")));
        c.statuses = shuffledSet(random, List.of(Status.ARCHIVED, Status.OPEN, Status.CLOSED));
        c.notes = shuffledMap(random, Map.of(
                Status.OPEN, List.of("first", "second"),
                Status.CLOSED, List.of(),
                Status.ARCHIVED, List.of("x")));
        c.ranks = new TreeMap<>(shuffledMap(random, Map.of("b", 2, "a", 1, "c", 3)));
        c.counters = shuffledMap(random, Map.of("hits", 10L, "misses", -1L, "", 0L, "long key with spaces", Long.MAX_VALUE));
        c.addresses = shuffledSet(random, List.of(new Address("2 Side Rd", "Shelbyville", 54321),
                new Address("3 High St", "Capital City", 1), new Address(null, null, 0)));
        c.shapes = List.of(new Circle(1.5), new Square(2), new Circle(Double.NaN));
        c.created = Instant.ofEpochSecond(1_700_000_000L, 123_456_789);
        c.birthday = LocalDate.of(1983, 2, 28);
        c.lastSeen = LocalDateTime.of(2024, 12, 31, 23, 59, 59, 999_999_999);
        c.opens = LocalTime.of(8, 30);
        c.session = Duration.ofSeconds(-5, 250);
        c.big = new BigInteger("-123456789012345678901234567890");
        c.photo = new byte[] {0, 1, -1, 127, -128};
        c.lucky = new int[] {7, -7, Integer.MIN_VALUE};
        c.aliases = new String[] {"zo", null, ""};
        c.misc = shuffledSet(random, List.of(1, 2L, "three", 4.0, 'c'));
        c.cached = 99;
        c.scratch = "not persisted";
        return c;
    }

    static <K, V> HashMap<K, V> shuffledMap(Random random, Map<K, V> entries) {
        List<K> keys = new ArrayList<>(entries.keySet());
        keys.sort(byString());
        Collections.shuffle(keys, random);
        HashMap<K, V> map = new HashMap<>();
        for (K key : keys) {
            map.put(key, entries.get(key));
        }
        return map;
    }

    static <E> HashSet<E> shuffledSet(Random random, List<E> elements) {
        List<E> order = new ArrayList<>(elements);
        Collections.shuffle(order, random);
        // A small-capacity set that grows while filled, so insertion order matters for bucket chains.
        HashSet<E> set = new HashSet<>(1);
        set.addAll(order);
        return set;
    }

    /** Sorts before shuffling so the shuffle's input does not depend on Map.of's per-JVM order. */
    private static <K> Comparator<K> byString() {
        return Comparator.comparing(String::valueOf);
    }

    static String hex(byte[] bytes) {
        StringBuilder sb = new StringBuilder(bytes.length * 2);
        for (byte b : bytes) {
            sb.append(Character.forDigit((b >> 4) & 0xF, 16)).append(Character.forDigit(b & 0xF, 16));
        }
        return sb.toString();
    }
}
