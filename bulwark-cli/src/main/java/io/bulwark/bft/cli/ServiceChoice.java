package io.bulwark.bft.cli;

import io.bulwark.bft.service.FillService;
import io.bulwark.bft.service.KvService;
import io.bulwark.bft.service.NullService;
import io.bulwark.bft.service.Service;

/** The services a replica process can run: the demo and benchmark services, and an application's @Replicated beans (cdi: the sample bank of the demo and of bench store). */
enum ServiceChoice {
    kv, NULL_SERVICE, fill, cdi;

    static ServiceChoice parse(String s) {
        return switch (s) {
            case "kv" -> kv;
            case "null" -> NULL_SERVICE;
            case "fill" -> fill;
            case "cdi" -> cdi;
            default -> throw new IllegalArgumentException("unknown service '" + s + "' (expected kv, null, fill or cdi)");
        };
    }

    /** kv or null: the services the load-driving benchmarks know operations for. */
    static ServiceChoice parseLoad(String s) {
        ServiceChoice c = parse(s);
        if (c == fill || c == cdi) throw new IllegalArgumentException("service '" + s + "' cannot be driven by this benchmark (expected kv or null)");
        return c;
    }

    /** The service; not for {@link #cdi}, whose service the replica command builds from the application (see ReplicaCommand). */
    Service create(int resultSize, int maxResultBytes) {
        return switch (this) {
            case cdi -> throw new IllegalStateException("the cdi service is built from --app by the replica command");
            case kv -> new KvService();
            case fill -> new FillService();
            case NULL_SERVICE -> new NullService(resultSize);
        };
    }
}
