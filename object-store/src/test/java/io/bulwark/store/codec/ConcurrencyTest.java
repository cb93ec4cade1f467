package io.bulwark.store.codec;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** One codec shared by several threads: every encode gives the same bytes, every decode the same value. */
class ConcurrencyTest {
    private static final int THREADS = 4;
    private static final int ROUNDS = 200;

    @Test
    void concurrentEncodesAgree() throws Exception {
        DeterministicCodec codec = Fixtures.codec();
        byte[] expected = codec.encode(Fixtures.customer(0));
        Fixtures.Customer customer = Fixtures.customer(0);
        ExecutorService pool = Executors.newFixedThreadPool(THREADS);
        try {
            List<Future<Integer>> results = new ArrayList<>();
            for (int t = 0; t < THREADS; t++) {
                long seed = t + 1;
                results.add(pool.submit(() -> {
                    for (int i = 0; i < ROUNDS; i++) {
                        assertArrayEquals(expected, codec.encode(Fixtures.customer(seed + i)));
                        assertEquals(customer, codec.decode(expected, Fixtures.Customer.class));
                    }
                    return ROUNDS;
                }));
            }
            for (Future<Integer> result : results) {
                assertEquals(ROUNDS, result.get(120, TimeUnit.SECONDS));
            }
        } finally {
            pool.shutdownNow();
            assertTrue(pool.awaitTermination(30, TimeUnit.SECONDS));
        }
    }
}
