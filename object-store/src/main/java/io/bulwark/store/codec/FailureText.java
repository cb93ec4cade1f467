package io.bulwark.store.codec;

/**
 * What of a thrown exception may go into a reply. Replies are compared across replicas and their
 * digests are replicated state, so they may hold only texts that are the same at every correct
 * replica: the store's own messages, the application's, and class names. The JVM's messages are
 * not: helpful NullPointerException texts depend on flags, and the JIT may throw a preallocated
 * exception with no message at all (OmitStackTraceInFastThrow) after some thousands of calls; a
 * wrapping exception's message is its cause's {@code toString()}. So a JDK exception is reduced to
 * its class name, except {@link IllegalArgumentException} and {@link IllegalStateException} — the
 * exceptions code throws on purpose to refuse something, never fast-thrown by the JIT.
 */
public final class FailureText {
    private FailureText() {}

    /** The class name of {@code thrown}, with its message where it is the store's or the application's. */
    public static String of(Throwable thrown) {
        String message = ownMessage(thrown);
        return thrown.getClass().getName() + (message == null ? "" : ": " + message);
    }

    /** The message of {@code thrown} if it was written by the store or the application (not the JVM), else null. */
    public static String ownMessage(Throwable thrown) {
        return applicationMessage(thrown.getClass()) ? thrown.getMessage() : null;
    }

    private static final String[] LIBRARIES = {"com.esotericsoftware.", "org.hibernate.", "jakarta.", "org.glassfish.", "com.google.re2j.", "org.jboss."};

    private static boolean applicationMessage(Class<?> type) {
        if (type == IllegalArgumentException.class || type == IllegalStateException.class) return true;
        // The libraries a replica runs write their causes' toString() (identity hashes, the JVM's texts)
        // into their messages — Kryo, Hibernate Validator and its EL, RE2/J: only the store's own texts
        // and the application's pass.
        for (String library : LIBRARIES) if (type.getName().startsWith(library)) return false;
        ClassLoader loader = type.getClassLoader();
        return loader != null && loader != ClassLoader.getPlatformClassLoader();   // not the JDK's own
    }

    /** Rethrows {@code t} if it is an {@link Error} (never turned into a reply: see the service's rule). */
    static RuntimeException unlessError(Throwable t) {
        if (t instanceof Error e) throw e;
        return null;
    }
}
