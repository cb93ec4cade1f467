package io.bulwark.bft.cli;

import java.util.Locale;

/** Durations on the command line: a number with a unit, {@code 500ms}, {@code 15s}, {@code 10m}, {@code 1h}. */
final class Durations {
    private Durations() {}

    /** Milliseconds of {@code text}; a clear error naming {@code option} when it is not a positive duration. */
    static long parseMillis(String option, String text) {
        String t = text == null ? "" : text.trim().toLowerCase(Locale.ROOT);
        long unit;
        String number;
        if (t.endsWith("ms")) { unit = 1; number = t.substring(0, t.length() - 2); }
        else if (t.endsWith("s")) { unit = 1_000; number = t.substring(0, t.length() - 1); }
        else if (t.endsWith("m")) { unit = 60_000; number = t.substring(0, t.length() - 1); }
        else if (t.endsWith("h")) { unit = 3_600_000; number = t.substring(0, t.length() - 1); }
        else throw new IllegalArgumentException(option + " must be a duration with a unit (500ms, 15s, 10m, 1h), not '" + text + "'");
        long value;
        try {
            value = Long.parseLong(number.trim());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(option + " must be a duration with a unit (500ms, 15s, 10m, 1h), not '" + text + "'");
        }
        if (value < 1 || value > Long.MAX_VALUE / unit) throw new IllegalArgumentException(option + " must be positive and not huge, not '" + text + "'");
        return value * unit;
    }
}
