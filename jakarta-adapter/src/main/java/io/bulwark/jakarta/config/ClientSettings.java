package io.bulwark.jakarta.config;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * How a client connects: the group's {@code cluster.conf} (written by {@code bulwark keygen}; the client's key files
 * are found beside it by its id), the client's id, and the timeout of a call. Read from the first source that sets
 * {@value #CONFIG}, in this order: MicroProfile Config when its API and an implementation are present at run time
 * (it also sees the system properties and {@code META-INF/microprofile-config.properties}); else the properties file
 * named by the system property {@value #FILE_PROPERTY}, or {@value #RESOURCE} on the class path; else the system
 * properties. Only that one source is read, so a client never mixes one source's file with another's id.
 *
 * @param source the source the settings came from (for messages and the health check's report)
 */
public record ClientSettings(Path clusterConfig, int clientId, Duration timeout, Duration healthTimeout, String source) {
    public static final String CONFIG = "bulwark.client.config";
    public static final String ID = "bulwark.client.id";
    public static final String TIMEOUT = "bulwark.client.timeout-ms";
    /** How long the readiness check waits for the replicas' status reports. */
    public static final String HEALTH_TIMEOUT = "bulwark.health.timeout-ms";
    /** System property: the path of a properties file holding the keys above. */
    public static final String FILE_PROPERTY = "bulwark.config.file";
    /** The properties file looked up on the class path when {@value #FILE_PROPERTY} is not set. */
    public static final String RESOURCE = "bulwark.properties";
    public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(30);
    public static final Duration DEFAULT_HEALTH_TIMEOUT = Duration.ofSeconds(2);

    public ClientSettings {
        Objects.requireNonNull(clusterConfig, "clusterConfig");
        Objects.requireNonNull(source, "source");
        if (clientId < 0) throw new IllegalArgumentException(ID + " must not be negative: " + clientId);
        if (timeout.isNegative() || timeout.isZero()) throw new IllegalArgumentException(TIMEOUT + " must be positive: " + timeout);
        if (healthTimeout.isNegative() || healthTimeout.isZero()) throw new IllegalArgumentException(HEALTH_TIMEOUT + " must be positive: " + healthTimeout);
    }

    /** The sources this process has, in precedence order (see the class comment), as {@code loader} sees them. */
    public static List<SettingsSource> sources(ClassLoader loader) {
        List<SettingsSource> out = new ArrayList<>(3);
        if (microProfileConfigPresent(loader)) MicroProfileSource.of(loader).ifPresent(out::add);
        String file = System.getProperty(FILE_PROPERTY);
        if (file != null && !file.isBlank()) out.add(PropertiesFileSource.of(Path.of(file.strip())));
        else PropertiesFileSource.onClassPath(loader).ifPresent(out::add);
        out.add(new SystemPropertiesSource());
        return out;
    }

    /**
     * Whether {@code loader} sees the MicroProfile Config API. Checked by name here so that {@link MicroProfileSource}, which
     * links against the API, is never loaded without it.
     */
    public static boolean microProfileConfigPresent(ClassLoader loader) {
        try {
            Class.forName("org.eclipse.microprofile.config.ConfigProvider", false, loader);
            return true;
        } catch (ClassNotFoundException | LinkageError e) {
            return false;
        }
    }

    /** The settings from this process's sources, seen through the thread's context class loader (the application's, in a server). */
    public static ClientSettings resolve() {
        ClassLoader loader = Thread.currentThread().getContextClassLoader();
        return resolve(sources(loader != null ? loader : ClientSettings.class.getClassLoader()));
    }

    /**
     * The settings from the first of {@code sources} that sets {@value #CONFIG}. {@link IllegalStateException} naming the
     * missing key and the sources read if none does, or if that source lacks {@value #ID}; {@link IllegalArgumentException}
     * naming the key, its value and the source if a value is malformed or the file does not exist.
     */
    public static ClientSettings resolve(List<? extends SettingsSource> sources) {
        SettingsSource chosen = null;
        for (SettingsSource s : sources) {
            if (s.get(CONFIG).isPresent()) {
                chosen = s;
                break;
            }
        }
        if (chosen == null)
            throw new IllegalStateException("no Bulwark client configured: " + CONFIG + " (the path of the group's cluster.conf) is not set in "
                    + sources.stream().map(SettingsSource::name).collect(Collectors.joining(", ")) + "; set it and " + ID
                    + " (this client's id), or produce a BulwarkClient bean yourself");
        SettingsSource s = chosen;
        Path conf = Path.of(s.get(CONFIG).get());
        if (!Files.isRegularFile(conf))
            throw new IllegalArgumentException(CONFIG + " = " + conf + " (from " + s.name() + "): no such file " + conf.toAbsolutePath());
        String id = s.get(ID).orElseThrow(() -> new IllegalStateException(ID + " (this client's id, a client of " + conf + ") is not set in "
                + s.name() + ", which sets " + CONFIG));
        int clientId = (int) integer(s, ID, id, Integer.MAX_VALUE);
        Duration timeout = s.get(TIMEOUT).map(v -> Duration.ofMillis(positive(s, TIMEOUT, v))).orElse(DEFAULT_TIMEOUT);
        Duration health = s.get(HEALTH_TIMEOUT).map(v -> Duration.ofMillis(positive(s, HEALTH_TIMEOUT, v))).orElse(DEFAULT_HEALTH_TIMEOUT);
        return new ClientSettings(conf, clientId, timeout, health, s.name());
    }

    private static long positive(SettingsSource s, String key, String value) {
        long v = integer(s, key, value, Long.MAX_VALUE);
        if (v == 0) throw new IllegalArgumentException(key + " = " + value + " (from " + s.name() + ") must be positive");
        return v;
    }

    private static long integer(SettingsSource s, String key, String value, long max) {
        try {
            long v = Long.parseLong(value);
            if (v < 0 || v > max) throw new NumberFormatException();
            return v;
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(key + " = " + value + " (from " + s.name() + ") is not a non-negative integer" + (max == Integer.MAX_VALUE ? " (an int)" : ""), e);
        }
    }

}
