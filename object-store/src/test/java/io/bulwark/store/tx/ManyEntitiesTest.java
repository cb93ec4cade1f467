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
 * Many small entities with a secondary index, persisted in batches of transactions, then point
 * lookups and range scans, all checked. Correctness only, at a size a test run can afford (enough for
 * several levels of B+tree and many batches); the million-entity run, timed, is the benchmark
 * {@code bulwark bench store-scale}.
 */
class ManyEntitiesTest {
    static final int COUNT = 50_000;
    static final int BATCH = 5_000;

    @Entity(name = "Item")
    static class Item {
        @Id long id;
        @Indexed int bucket;
        long value;
    }

    @Test
    void manyEntitiesInBatchesThenLookupsAndScans() {
        EntityStore store = new EntityStore(DeterministicCodec.builder().build(), List.of(Item.class));
        MemoryPages base = new MemoryPages(6_000);
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
        for (int k = 0; k < 2_000; k++) {
            long id = r.nextLong(COUNT);
            Item it = tx.get(Item.class, id);
            assertEquals(id * 3, it.value);
        }
        assertNull(tx.find(Item.class, (long) COUNT));
        long mid = COUNT / 2;
        List<Item> page = tx.range(Item.class, "id", mid, null, false, 100, 1000);
        assertEquals(1000, page.size());
        for (int i = 0; i < page.size(); i++) assertEquals(mid + 100 + i, page.get(i).id);
        int perBucket = COUNT / 1000;
        List<Item> bucket = tx.range(Item.class, "bucket", 7, 8, true, 0, 1000);
        assertEquals(perBucket, bucket.size());
        for (int i = 0; i < bucket.size(); i++) assertEquals(7 + 1000L * (perBucket - 1 - i), bucket.get(i).id, "bucket 7, ids descending");
        tx.commit();
    }
}
