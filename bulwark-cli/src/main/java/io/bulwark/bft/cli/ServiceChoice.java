package io.bulwark.bft.cli;

import io.bulwark.bft.service.FillService;
import io.bulwark.bft.service.KvService;
import io.bulwark.bft.service.NullService;
import io.bulwark.bft.service.Service;
import io.bulwark.store.bench.store.BenchStore;
import io.bulwark.store.service.StoreService;

/** The services a replica process can run: the demo and benchmark services, and the object store's bank. */
enum ServiceChoice {
    kv, NULL_SERVICE, fill, store;

    static ServiceChoice parse(String s) {
        return switch (s) {
            case "kv" -> kv;
            case "null" -> NULL_SERVICE;
            case "fill" -> fill;
            case "store" -> store;
            default -> throw new IllegalArgumentException("unknown service '" + s + "' (expected kv, null, fill or store)");
        };
    }

    /** kv or null: the services the load-driving benchmarks know operations for. */
    static ServiceChoice parseLoad(String s) {
        ServiceChoice c = parse(s);
        if (c == fill || c == store) throw new IllegalArgumentException("service '" + s + "' cannot be driven by this benchmark (expected kv or null)");
        return c;
    }

    Service create(int resultSize, int maxResultBytes) {
        return switch (this) {
            case kv -> new KvService();
            case fill -> new FillService();
            case NULL_SERVICE -> new NullService(resultSize);
            case store -> new StoreService(BenchStore.definition(), maxResultBytes);
        };
    }
}
