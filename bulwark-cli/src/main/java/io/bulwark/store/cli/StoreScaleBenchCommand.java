package io.bulwark.store.cli;

import io.bulwark.bft.service.PagedState;
import io.bulwark.bft.state.PartitionTree;
import io.bulwark.store.Caller;
import io.bulwark.store.bench.scale.ScaleDoc;
import io.bulwark.store.bench.scale.ScaleItem;
import io.bulwark.store.codec.DeterministicCodec;
import io.bulwark.store.page.PagedStatePages;
import io.bulwark.store.tx.EntityStore;
import io.bulwark.store.tx.TxContext;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code bulwark bench store-scale}: the store at scale in one process, over the engine's partition
 * tree (no replication): load many small entities with a secondary index in batches of
 * transactions, then time point lookups and range scans (by id and by the index), and the cost of a
 * query while many entities are managed in the transaction (of another type and of its own). Every
 * answer is checked; a wrong one fails the command. The timing runs that used to live in
 * {@code MillionEntitiesTest} and {@code QueryFlushTest} (issue 11 item 4: benchmarks are commands,
 * not timed tests); those tests keep their correctness checks at a small size.
 */
@Command(name = "store-scale", mixinStandardHelpOptions = true,
        description = "The store at scale, unreplicated: load N entities, then lookups, scans and queries with many managed entities, timed and checked.")
public final class StoreScaleBenchCommand implements Callable<Integer> {
    @Spec CommandSpec spec;

    @Option(names = "--entities", defaultValue = "1000000", description = "Entities to load (default: ${DEFAULT-VALUE}).")
    int entities;

    @Option(names = "--batch", defaultValue = "20000", description = "Entities per loading transaction (default: ${DEFAULT-VALUE}).")
    int batch;

    @Option(names = "--lookups", defaultValue = "10000", description = "Random point lookups (default: ${DEFAULT-VALUE}).")
    int lookups;

    @Option(names = "--managed", defaultValue = "2000", description = "Entities managed in the transaction of the query runs (default: ${DEFAULT-VALUE}).")
    int managed;

    @Option(names = "--queries", defaultValue = "200", description = "Queries per query run, after as many to warm up (default: ${DEFAULT-VALUE}).")
    int queries;

    @Option(names = "--pages", defaultValue = "60000", description = "State size in 4 KB pages (default: ${DEFAULT-VALUE}).")
    int pages;

    @Option(names = "--seed", defaultValue = "11", description = "Seed of the lookups (default: ${DEFAULT-VALUE}).")
    long seed;

    @Override
    public Integer call() {
        if (entities < 2_000 || batch < 1 || lookups < 1 || managed < 50 || queries < 1 || pages < 16)
            throw new IllegalArgumentException("--entities >= 2000, --managed >= 50, and --batch, --lookups, --queries, --pages positive");
        PrintWriter out = spec.commandLine().getOut();
        Caller caller = new Caller(1, "loader", Set.of());

        EntityStore store = new EntityStore(DeterministicCodec.builder().build(), List.of(ScaleItem.class, ScaleDoc.class));
        PagedStatePages base = new PagedStatePages(new PagedState(new PartitionTree(pages), 0, pages));
        long t0 = System.nanoTime();
        for (int from = 0; from < entities; from += batch) {
            TxContext tx = store.begin(base, caller, 0, 0, false);
            for (int i = from; i < Math.min(entities, from + batch); i++) tx.persist(item(i));
            tx.commit();
        }
        double loadS = (System.nanoTime() - t0) / 1e9;

        TxContext tx = store.begin(base, caller, 0, 0, true);
        SplittableRandom r = new SplittableRandom(seed);
        t0 = System.nanoTime();
        for (int k = 0; k < lookups; k++) {
            long id = r.nextLong(entities);
            check(tx.get(ScaleItem.class, id).value == id * 3, "lookup of " + id);
        }
        double lookupUs = (System.nanoTime() - t0) / 1e3 / lookups;
        check(tx.find(ScaleItem.class, (long) entities) == null, "an id past the end was found");
        long mid = entities / 2;
        t0 = System.nanoTime();
        List<ScaleItem> page = tx.range(ScaleItem.class, "id", mid, null, false, 100, 1000);
        double idScanMs = (System.nanoTime() - t0) / 1e6;
        check(page.size() == 1000, "id scan size " + page.size());
        for (int i = 0; i < page.size(); i++) check(page.get(i).id == mid + 100 + i, "id scan order");
        t0 = System.nanoTime();
        List<ScaleItem> bucket = tx.range(ScaleItem.class, "bucket", 7, 8, true, 0, 1000);
        double indexScanMs = (System.nanoTime() - t0) / 1e6;
        int perBucket = (entities + 999 - 7) / 1000;
        check(bucket.size() == Math.min(1000, perBucket), "bucket scan size " + bucket.size());
        tx.commit();

        double[] query = queryCosts(caller);
        out.printf(Locale.ROOT, "bench store-scale: %d entities loaded in %.1f s (%.0f entities/s, batches of %d); "
                        + "%d lookups %.1f us each; scan of 1000 by id %.2f ms, by index %.2f ms%n",
                entities, loadS, entities / loadS, batch, lookups, lookupUs, idScanMs, indexScanMs);
        out.printf(Locale.ROOT, "bench store-scale: %d managed entities; per query on another type %.3f ms, on their own type %.3f ms%n",
                managed, query[0], query[1]);
        out.flush();
        return 0;
    }

    /** Milliseconds per query on another type and on the managed entities' own type, with {@link #managed} entities managed. */
    private double[] queryCosts(Caller caller) {
        EntityStore store = new EntityStore(DeterministicCodec.builder().build(), List.of(ScaleItem.class, ScaleDoc.class));
        int qPages = Math.max(64, managed / 20 + 64);
        PagedStatePages base = new PagedStatePages(new PagedState(new PartitionTree(qPages), 0, qPages));
        TxContext setup = store.begin(base, caller, 0, 0, false);
        for (int i = 0; i < managed; i++) setup.persist(item(i));
        ScaleDoc d = new ScaleDoc();
        d.key = "d1";
        d.body = new byte[] {1};
        setup.persist(d);
        setup.commit();

        TxContext tx = store.begin(base, caller, 0, 0, false);
        List<ScaleItem> all = new ArrayList<>();
        for (long from = 0; from < managed; from += 1_000) all.addAll(tx.range(ScaleItem.class, "id", from, null, false, 0, 1_000));
        check(all.size() == managed, "managed " + all.size());
        int bucket = 7;
        int expected = (int) all.stream().filter(x -> x.bucket == bucket).count();
        for (int q = 0; q < queries; q++) {   // warm-up
            tx.range(ScaleDoc.class, "key", null, null, false, 0, 10);
            tx.findBy(ScaleItem.class, "bucket", bucket);
        }
        long t0 = System.nanoTime();
        for (int q = 0; q < queries; q++) check(tx.range(ScaleDoc.class, "key", null, null, false, 0, 10).size() == 1, "docs");
        double other = (System.nanoTime() - t0) / 1e6 / queries;
        t0 = System.nanoTime();
        for (int q = 0; q < queries; q++) check(tx.findBy(ScaleItem.class, "bucket", bucket).size() == expected, "bucket query");
        double own = (System.nanoTime() - t0) / 1e6 / queries;
        tx.rollback();
        return new double[] {other, own};
    }

    private static ScaleItem item(int i) {
        ScaleItem it = new ScaleItem();
        it.id = i;
        it.bucket = i % 1000;
        it.value = (long) i * 3;
        return it;
    }

    private static void check(boolean ok, String what) {
        if (!ok) throw new IllegalStateException("wrong answer: " + what);
    }
}
