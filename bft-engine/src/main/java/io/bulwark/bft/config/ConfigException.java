package io.bulwark.bft.config;

import java.nio.file.Path;

/** A malformed configuration or key file. The message names the file, the line and the problem. */
public final class ConfigException extends Exception {
    private static final long serialVersionUID = 1L;
    private final transient Path file;
    private final int line;

    /** {@code line} is 1-based; 0 for a problem with the file as a whole. */
    public ConfigException(Path file, int line, String problem) {
        super(file + (line > 0 ? ":" + line : "") + ": " + problem);
        this.file = file;
        this.line = line;
    }

    public Path file() { return file; }

    public int line() { return line; }
}
