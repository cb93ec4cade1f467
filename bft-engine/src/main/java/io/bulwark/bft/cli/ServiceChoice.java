package io.bulwark.bft.cli;

import io.bulwark.bft.service.FillService;
import io.bulwark.bft.service.KvService;
import io.bulwark.bft.service.NullService;
import io.bulwark.bft.service.Service;

/** The built-in services a replica can run. */
enum ServiceChoice {
    kv, NULL_SERVICE, fill;

    static ServiceChoice parse(String s) {
        return switch (s) {
            case "kv" -> kv;
            case "null" -> NULL_SERVICE;
            case "fill" -> fill;
            default -> throw new IllegalArgumentException("unknown service '" + s + "' (expected kv, null or fill)");
        };
    }

    /** kv or null: the services the load-driving benchmarks know operations for. */
    static ServiceChoice parseLoad(String s) {
        ServiceChoice c = parse(s);
        if (c == fill) throw new IllegalArgumentException("service 'fill' is for bench transfer only (expected kv or null)");
        return c;
    }

    Service create(int resultSize) {
        return switch (this) {
            case kv -> new KvService();
            case fill -> new FillService();
            case NULL_SERVICE -> new NullService(resultSize);
        };
    }
}
