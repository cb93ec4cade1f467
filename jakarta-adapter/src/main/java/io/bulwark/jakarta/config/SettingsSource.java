package io.bulwark.jakarta.config;

import java.util.Optional;

/** One place a client's settings may come from (MicroProfile Config, a properties file, the system properties). */
public interface SettingsSource {
    /** What to tell an operator the source is ("MicroProfile Config", "bulwark.properties (file:/...)", ...). */
    String name();

    /** The value of {@code key}, stripped; empty if the source does not set it (or sets it blank). */
    Optional<String> get(String key);
}
