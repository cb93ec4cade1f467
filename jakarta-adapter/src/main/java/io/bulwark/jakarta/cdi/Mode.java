package io.bulwark.jakarta.cdi;

import java.util.Locale;
import java.util.function.Supplier;

/**
 * How the CDI extension treats {@code @Replicated} beans in a container:
 * <ul>
 * <li>{@link #CLIENT} (the default: an application server, any container that is not a replica): the
 *     bean classes are vetoed and each contract interface is served by a proxy that sends every call
 *     to the replica group;</li>
 * <li>{@link #REPLICA} (the CDI replica host): the bean classes run for real against the store, with
 *     the transaction, caller and agreed clock injectable, under the determinism rules.</li>
 * </ul>
 * Chosen, first match wins, by: the mode a host boots its container in ({@link #bootingAs}); the system
 * property {@value #PROPERTY}; the environment variable {@value #ENVIRONMENT}; else client.
 */
public enum Mode {
    CLIENT, REPLICA;

    public static final String PROPERTY = "bulwark.cdi.mode";
    public static final String ENVIRONMENT = "BULWARK_CDI_MODE";
    private static final ThreadLocal<Mode> BOOTING = new ThreadLocal<>();

    /** The configured mode; IllegalArgumentException for a value that is neither client nor replica. */
    public static Mode current() {
        Mode booting = BOOTING.get();
        if (booting != null) return booting;
        String p = System.getProperty(PROPERTY);
        if (p != null) return parse(p, "system property " + PROPERTY);
        String e = System.getenv(ENVIRONMENT);
        if (e != null) return parse(e, "environment variable " + ENVIRONMENT);
        return CLIENT;
    }

    static Mode parse(String value, String source) {
        return switch (value.strip().toLowerCase(Locale.ROOT)) {
            case "client" -> CLIENT;
            case "replica" -> REPLICA;
            default -> throw new IllegalArgumentException(source + " is '" + value + "': expected client or replica");
        };
    }

    /** Runs {@code boot} (a container's initialisation on this thread) with its extension in {@code mode}, whatever is configured. */
    public static <T> T bootingAs(Mode mode, Supplier<T> boot) {
        Mode previous = BOOTING.get();
        BOOTING.set(mode);
        try {
            return boot.get();
        } finally {
            if (previous == null) BOOTING.remove();
            else BOOTING.set(previous);
        }
    }
}
