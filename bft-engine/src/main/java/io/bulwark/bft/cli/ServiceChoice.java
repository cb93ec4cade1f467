package io.bulwark.bft.cli;

import io.bulwark.bft.service.KvService;
import io.bulwark.bft.service.NullService;
import io.bulwark.bft.service.Service;

/** The built-in services a replica can run. */
enum ServiceChoice {
    kv, NULL_SERVICE;

    static ServiceChoice parse(String s) {
        return switch (s) {
            case "kv" -> kv;
            case "null" -> NULL_SERVICE;
            default -> throw new IllegalArgumentException("unknown service '" + s + "' (expected kv or null)");
        };
    }

    Service create(int resultSize) {
        return this == kv ? new KvService() : new NullService(resultSize);
    }
}
