package io.bulwark.jakarta.config;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URL;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import java.util.Properties;

/**
 * A {@code java.util.Properties} file: the one the system property {@value ClientSettings#FILE_PROPERTY} names, or
 * else {@value ClientSettings#RESOURCE} on the class path (e.g. in a WAR's {@code WEB-INF/classes}).
 */
public final class PropertiesFileSource implements SettingsSource {
    private final String name;
    private final Properties properties;

    private PropertiesFileSource(String name, Properties properties) {
        this.name = name;
        this.properties = properties;
    }

    /** The file at {@code file}; {@link UncheckedIOException} naming it if it cannot be read (a path given and wrong is an error, not "unset"). */
    public static PropertiesFileSource of(Path file) {
        Properties p = new Properties();
        try (InputStream in = Files.newInputStream(file)) {
            p.load(in);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the Bulwark client properties file " + file.toAbsolutePath()
                    + " (named by the system property " + ClientSettings.FILE_PROPERTY + "): " + e, e);
        }
        return new PropertiesFileSource(file.toAbsolutePath().toString(), p);
    }

    /** {@value ClientSettings#RESOURCE} as {@code loader} finds it, if it does. */
    public static Optional<PropertiesFileSource> onClassPath(ClassLoader loader) {
        URL url = loader.getResource(ClientSettings.RESOURCE);
        if (url == null) return Optional.empty();
        Properties p = new Properties();
        try (InputStream in = url.openStream()) {
            p.load(in);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + url + ": " + e, e);
        }
        return Optional.of(new PropertiesFileSource(url.toString(), p));
    }

    @Override public String name() { return name; }

    @Override public Optional<String> get(String key) {
        return Optional.ofNullable(properties.getProperty(key)).map(String::strip).filter(v -> !v.isEmpty());
    }

    @Override public String toString() { return name; }
}
