package io.bulwark.store.tx;

import io.bulwark.store.Caller;
import io.bulwark.store.annotation.Entity;
import io.bulwark.store.annotation.Id;
import io.bulwark.store.annotation.Indexed;
import io.bulwark.store.codec.DeterministicCodec;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Set;
import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.*;

/**
 * Scale: a million small entities with a secondary index, persisted in batches of transactions, then
 * point lookups and range scans, all checked. Correctness only: timing belongs to the benchmarks
 * ({@code bulwark bench store}), not to tests.
 */
class MillionEntitiesTest {
    static final int COUNT = 1_000_000;
    static final int BATCH = 20_000;

    @Entity(name = "Item")
    static class Item {
        @Id long id;
        @Indexed int bucket;
        long value;
    }

    @Test
    void aMillionEntitiesInBatchesThenLookupsAndScans() {
        EntityStore store = new EntityStore(DeterministicCodec.builder().build(), List.of(Item.class));
        MemoryPages base = new MemoryPages(60_000);
        Caller caller = new Caller(1, "loader", Set.of());
        for (int from = 0; from < COUNT; from += BATCH) {
            TxContext tx = store.begin(base, caller, 0, 0, false);
            for (int i = from; i < from + BATCH; i++) {
                Item it = new Item();
                it.id = i;
                it.bucket = i % 1000;
                it.value = (long) i * 3;
                tx.persist(it);
            }
            tx.commit();
        }

        TxContext tx = store.begin(base, caller, 0, 0, true);
        SplittableRandom r = new SplittableRandom(11);
        for (int k = 0; k < 10_000; k++) {
            long id = r.nextLong(COUNT);
            Item it = tx.get(Item.class, id);
            assertEquals(id * 3, it.value);
        }
        assertNull(tx.find(Item.class, (long) COUNT));
        List<Item> page = tx.range(Item.class, "id", 500_000L, null, false, 100, 1000);
        assertEquals(1000, page.size());
        for (int i = 0; i < page.size(); i++) assertEquals(500_100L + i, page.get(i).id);
        List<Item> bucket = tx.range(Item.class, "bucket", 7, 8, true, 0, 1000);
        assertEquals(1000, bucket.size());
        for (int i = 0; i < bucket.size(); i++) assertEquals(7 + 1000L * (999 - i), bucket.get(i).id, "bucket 7, ids descending");
        tx.commit();
    }
}
