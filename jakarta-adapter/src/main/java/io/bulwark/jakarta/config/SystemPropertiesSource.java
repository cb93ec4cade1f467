package io.bulwark.jakarta.config;

import java.util.Optional;

/** The JVM's system properties (how client mode was configured before MicroProfile Config and the properties file). */
public final class SystemPropertiesSource implements SettingsSource {
    @Override public String name() { return "the system properties"; }

    @Override public Optional<String> get(String key) {
        return Optional.ofNullable(System.getProperty(key)).map(String::strip).filter(v -> !v.isEmpty());
    }

    @Override public String toString() { return name(); }
}
