package io.bulwark.bft.cli;

import java.util.List;

/** The {@code --tls} option: {@code on}, {@code off}, and for benchmarks {@code both} (TLS on, then off, in the same run). */
public final class TlsChoice {
    private TlsChoice() {}

    /** The modes to run, TLS on first. */
    public static List<Boolean> parse(String value, boolean bothAllowed) {
        return switch (value == null ? "" : value.trim().toLowerCase(java.util.Locale.ROOT)) {
            case "on" -> List.of(true);
            case "off" -> List.of(false);
            case "both" -> {
                if (!bothAllowed) throw new IllegalArgumentException("--tls must be on or off, not both");
                yield List.of(true, false);
            }
            default -> throw new IllegalArgumentException("--tls must be on or off" + (bothAllowed ? " or both" : "") + ", not '" + value + "'");
        };
    }

    /** A single on/off value. */
    public static boolean on(String value) { return parse(value, false).get(0); }
}
