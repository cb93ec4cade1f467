package io.bulwark.store.tx;

import io.bulwark.store.BadRequestException;
import io.bulwark.store.Caller;
import io.bulwark.store.codec.DeterministicCodec;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.function.Function;

import static org.junit.jupiter.api.Assertions.*;

/** Tx.rangeAfter against a model: pages joined up equal the ordered range, in both directions, by the id and by indexes. */
class KeysetPagingTest {
    private static final Caller CALLER = new Caller(1, "alice", Set.of());
    private final EntityStore store = new EntityStore(DeterministicCodec.builder().build(), List.of(Score.class));
    private final MemoryPages base = new MemoryPages(1024);
    private final List<Score> model = new ArrayList<>();

    /** Nulls first, then by value; ties by id. */
    private static final Comparator<Score> BY_POINTS = Comparator.comparing((Score s) -> s.points, Comparator.nullsFirst(Comparator.naturalOrder()))
            .thenComparingLong(s -> s.id);
    private static final Comparator<Score> BY_CODE = Comparator.comparing((Score s) -> s.code, Comparator.nullsFirst(Comparator.naturalOrder()))
            .thenComparingLong(s -> s.id);
    private static final Comparator<Score> BY_ID = Comparator.comparingLong(s -> s.id);

    private void fill(long seed, int n) {
        SplittableRandom rnd = new SplittableRandom(seed);
        Set<Long> ids = new HashSet<>();
        TxContext tx = store.begin(base, CALLER, 1, 1, false);
        while (model.size() < n) {
            long id = rnd.nextLong(-5_000, 5_000);
            if (!ids.add(id)) continue;
            Integer points = rnd.nextInt(8) == 0 ? null : rnd.nextInt(6);   // six values and null: long runs of duplicates
            String code = rnd.nextInt(5) == 0 ? null : "c" + id;
            tx.persist(new Score(id, points, code));
            model.add(new Score(id, points, code));
        }
        tx.commit();
    }

    private <R> R read(Function<TxContext, R> body) {
        TxContext tx = store.begin(base, CALLER, 1, 1, true);
        try {
            return body.apply(tx);
        } finally {
            tx.rollback();
        }
    }

    private static List<Long> ids(List<Score> scores) { return scores.stream().map(s -> s.id).toList(); }

    @Test
    void pagesJoinUpToTheOrderedRangeAcrossRunsOfEqualValues() {
        fill(11, 400);
        SplittableRandom rnd = new SplittableRandom(12);
        int splitRuns = 0;
        for (int trial = 0; trial < 150; trial++) {
            String field = switch (trial % 3) { case 0 -> "points"; case 1 -> "code"; default -> "id"; };
            boolean descending = rnd.nextBoolean();
            int limit = 1 + rnd.nextInt(17);
            Object from = null, to = null;
            if (rnd.nextInt(3) == 0) {
                Object a = bound(field, rnd), b = bound(field, rnd);
                boolean swap = compareBound(field, a, b) > 0;
                from = swap ? b : a;
                to = swap ? a : b;
                if (rnd.nextBoolean()) from = null; else if (rnd.nextBoolean()) to = null;
            }
            List<Score> expected = expected(field, from, to, descending);
            Object f = from, t = to;
            List<List<Score>> pages = read(tx -> {
                List<List<Score>> out = new ArrayList<>();
                Score last = null;
                while (true) {
                    List<Score> page = tx.rangeAfter(Score.class, field, f, t, descending,
                            last == null ? null : value(field, last), last == null ? null : last.id, limit);
                    assertTrue(page.size() <= limit);
                    if (page.isEmpty()) return out;
                    out.add(page);
                    last = page.get(page.size() - 1);
                    assertTrue(out.size() <= model.size() + 1, "paging ends");
                }
            });
            List<Score> joined = new ArrayList<>();
            for (List<Score> p : pages) joined.addAll(p);
            assertEquals(ids(expected), ids(joined), "trial " + trial + ": " + field + (descending ? " desc" : " asc") + " [" + from + ", " + to + ") by " + limit);
            for (int i = 0; i + 1 < pages.size(); i++) {
                if (pages.get(i).size() != limit) fail("only the last page may be short");
                Score end = pages.get(i).get(limit - 1), next = pages.get(i + 1).get(0);
                if (!field.equals("id") && java.util.Objects.equals(value(field, end), value(field, next))) splitRuns++;
            }
        }
        assertTrue(splitRuns > 50, "many page boundaries fall inside a run of equal values: " + splitRuns);
    }

    @Test
    void pagingGoesOnAfterTheLastEntityIsRemovedOrOthersAreAdded() {
        fill(21, 60);
        model.sort(BY_POINTS);
        List<Score> first = read(tx -> tx.rangeAfter(Score.class, "points", null, null, false, null, null, 10));
        assertEquals(ids(model.subList(0, 10)), ids(first));
        Score last = first.get(9);
        assertNotNull(last.points, "the seed puts the position past the nulls, so -1 sorts before it");
        TxContext tx = store.begin(base, CALLER, 2, 2, false);
        tx.remove(tx.get(Score.class, last.id));
        tx.persist(new Score(-9_999, -1, null));          // before the position: not seen again
        tx.persist(new Score(9_999, last.points, null));   // after it, with the same value: seen
        tx.commit();
        List<Score> rest = read(t -> t.rangeAfter(Score.class, "points", null, null, false, last.points, last.id, 1_000));
        List<Score> expected = new ArrayList<>(model.subList(10, model.size()));
        expected.add(new Score(9_999, last.points, null));
        expected.sort(BY_POINTS);
        assertEquals(ids(expected), ids(rest));
    }

    @Test
    void aNullValueIsAPositionAndTheIdOrderAcceptsTheIdAsValue() {
        fill(31, 80);
        List<Score> nulls = model.stream().filter(s -> s.points == null).sorted(BY_ID).toList();
        assertTrue(nulls.size() >= 3, "enough null values to page through: " + nulls.size());
        Score second = nulls.get(1);
        // Ascending, nulls come first: after the second null come the other nulls, then every value.
        List<Score> asc = read(tx -> tx.rangeAfter(Score.class, "points", null, null, false, null, second.id, 1_000));
        assertEquals(ids(model.stream().sorted(BY_POINTS).toList().subList(2, model.size())), ids(asc));
        // Descending, nulls come last: after the second null (counting from the top) only the first is left.
        List<Score> desc = read(tx -> tx.rangeAfter(Score.class, "points", null, null, true, null, second.id, 1_000));
        assertEquals(List.of(nulls.get(0).id), ids(desc));

        List<Score> byId = model.stream().sorted(BY_ID).toList();
        long pivot = byId.get(40).id;
        List<Long> withValue = read(tx -> ids(tx.rangeAfter(Score.class, "id", null, null, false, pivot, pivot, 5)));
        List<Long> withoutValue = read(tx -> ids(tx.rangeAfter(Score.class, "id", null, null, false, null, (int) pivot, 5)));
        assertEquals(ids(byId.subList(41, 46)), withValue);
        assertEquals(withValue, withoutValue, "an int id is coerced like any other");
        List<Long> before = new ArrayList<>(ids(byId.subList(35, 40)));
        java.util.Collections.reverse(before);
        assertEquals(before, read(tx -> ids(tx.rangeAfter(Score.class, "id", null, null, true, null, pivot, 5))));
        // A position outside the bounds: ascending before `from` starts at `from`; after `to` gives nothing.
        long lo = byId.get(10).id, hi = byId.get(20).id;
        assertEquals(ids(byId.subList(10, 20)), read(tx -> ids(tx.rangeAfter(Score.class, "id", lo, hi, false, null, byId.get(0).id, 100))));
        assertEquals(List.of(), read(tx -> ids(tx.rangeAfter(Score.class, "id", lo, hi, false, null, byId.get(30).id, 100))));
    }

    @Test
    void findByAfterPagesThroughOneValuesEntitiesInIdOrder() {
        fill(51, 400);
        int pagesRead = 0;
        for (Integer value : java.util.Arrays.asList(null, 0, 3, 5, 99)) {
            for (boolean descending : new boolean[] {false, true}) {
                for (int limit : new int[] {1, 4, 11}) {
                    List<Score> expected = model.stream().filter(s -> java.util.Objects.equals(s.points, value))
                            .sorted(descending ? BY_ID.reversed() : BY_ID).toList();
                    List<Score> joined = new ArrayList<>();
                    Long after = null;
                    while (true) {
                        Long a = after;
                        List<Score> page = read(tx -> tx.findByAfter(Score.class, "points", value, descending, a, limit));
                        assertTrue(page.size() <= limit);
                        joined.addAll(page);
                        pagesRead++;
                        if (page.size() < limit) break;
                        after = page.get(page.size() - 1).id;
                        assertTrue(joined.size() <= model.size(), "paging ends");
                    }
                    assertEquals(ids(expected), ids(joined), "points = " + value + (descending ? " desc" : " asc") + " by " + limit);
                }
            }
        }
        assertTrue(pagesRead > 100, "pages read: " + pagesRead);
        // A position that is no entity of the value (or no entity at all) still splits the ids.
        List<Score> threes = model.stream().filter(s -> Integer.valueOf(3).equals(s.points)).sorted(BY_ID).toList();
        long between = threes.get(2).id + 1;
        assertEquals(ids(threes.stream().filter(s -> s.id > between).toList()), read(tx -> ids(tx.findByAfter(Score.class, "points", 3, false, between, 1_000))));
        assertEquals(List.of(threes.get(2).id, threes.get(1).id, threes.get(0).id), read(tx -> ids(tx.findByAfter(Score.class, "points", 3, true, between, 1_000))));
        // By a unique index and by the id itself: one entity, after the position or not.
        Score one = model.stream().filter(s -> s.code != null).findFirst().orElseThrow();
        assertEquals(List.of(one.id), read(tx -> ids(tx.findByAfter(Score.class, "code", one.code, false, null, 5))));
        assertEquals(List.of(one.id), read(tx -> ids(tx.findByAfter(Score.class, "id", one.id, false, one.id - 1, 5))));
        assertEquals(List.of(), read(tx -> ids(tx.findByAfter(Score.class, "id", one.id, false, one.id, 5))));
        assertEquals(List.of(one.id), read(tx -> ids(tx.findByAfter(Score.class, "id", one.id, true, one.id + 1, 5))));
        for (Function<TxContext, Object> bad : List.<Function<TxContext, Object>>of(
                tx -> tx.findByAfter(Score.class, "points", "three", false, null, 10),
                tx -> tx.findByAfter(Score.class, "points", 3, false, "one", 10),
                tx -> tx.findByAfter(Score.class, "points", 3, false, null, TxContext.MAX_RESULTS + 1),
                tx -> tx.findByAfter(Score.class, "missing", 3, false, null, 10)))
            assertThrows(BadRequestException.class, () -> read(bad));
    }

    @Test
    void badPositionsAreBadRequests() {
        fill(41, 10);
        for (Function<TxContext, Object> bad : List.<Function<TxContext, Object>>of(
                tx -> tx.rangeAfter(Score.class, "points", null, null, false, 3, null, 10),        // a value without an id
                tx -> tx.rangeAfter(Score.class, "id", null, null, false, 5L, 6L, 10),            // by id, another value
                tx -> tx.rangeAfter(Score.class, "points", null, null, false, "three", 1L, 10),   // a value of the wrong type
                tx -> tx.rangeAfter(Score.class, "points", null, null, false, 3, "one", 10),      // an id of the wrong type
                tx -> tx.rangeAfter(Score.class, "code", null, null, false, "x".repeat(600), 1L, 10),
                tx -> tx.rangeAfter(Score.class, "points", null, null, false, null, null, TxContext.MAX_RESULTS + 1),
                tx -> tx.rangeAfter(Score.class, "points", null, null, false, null, null, -1),
                tx -> tx.rangeAfter(Score.class, "missing", null, null, false, null, 1L, 10)))
            assertThrows(BadRequestException.class, () -> read(bad));
    }

    private static Object value(String field, Score s) {
        return switch (field) { case "points" -> s.points; case "code" -> s.code; default -> s.id; };
    }

    private Object bound(String field, SplittableRandom rnd) {
        return switch (field) {
            case "points" -> rnd.nextInt(-1, 7);
            case "code" -> "c" + rnd.nextInt(-5_000, 5_000);
            default -> rnd.nextLong(-5_500, 5_500);
        };
    }

    @SuppressWarnings({"unchecked", "rawtypes"})
    private static int compareBound(String field, Object a, Object b) { return ((Comparable) a).compareTo(b); }

    /** The model's entities in [from, to) by field, ordered (ties by id) and reversed if descending. */
    private List<Score> expected(String field, Object from, Object to, boolean descending) {
        Comparator<Score> order = switch (field) { case "points" -> BY_POINTS; case "code" -> BY_CODE; default -> BY_ID; };
        List<Score> out = new ArrayList<>();
        for (Score s : model) {
            Object v = value(field, s);
            if (from != null && (v == null || compareBound(field, v, from) < 0)) continue;
            if (to != null && v != null && compareBound(field, v, to) >= 0) continue;   // null sorts before any bound
            out.add(s);
        }
        out.sort(descending ? order.reversed() : order);
        return out;
    }
}
