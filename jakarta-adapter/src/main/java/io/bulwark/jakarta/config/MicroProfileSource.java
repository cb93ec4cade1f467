package io.bulwark.jakarta.config;

import java.util.Optional;
import org.eclipse.microprofile.config.Config;
import org.eclipse.microprofile.config.ConfigProvider;

/**
 * MicroProfile Config (WildFly 39 and Payara 6 provide it; so may a Java SE application). The API is an optional
 * dependency: only {@link ClientSettings} refers to this class, and only after {@link ClientSettings#microProfileConfigPresent} said yes, so the
 * adapter loads without it.
 */
public final class MicroProfileSource implements SettingsSource {
    private final Config config;

    private MicroProfileSource(Config config) { this.config = config; }

    /** The application's configuration as {@code loader} sees it; empty if the API is there without an implementation. */
    public static Optional<SettingsSource> of(ClassLoader loader) {
        try {
            return Optional.of(new MicroProfileSource(ConfigProvider.getConfig(loader)));
        } catch (IllegalStateException | java.util.ServiceConfigurationError e) {
            return Optional.empty();   // the API jar alone: no ConfigProviderResolver to ask
        }
    }

    @Override public String name() { return "MicroProfile Config"; }

    @Override public Optional<String> get(String key) {
        return config.getOptionalValue(key, String.class).map(String::strip).filter(v -> !v.isEmpty());
    }

    @Override public String toString() { return name(); }
}
