package io.bulwark.bft.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** Command-line durations (--watchdog, --recovery-alert): units required, bad values named. */
class DurationsTest {
    @Test
    void unitsAreRead() {
        assertEquals(500, Durations.parseMillis("--x", "500ms"));
        assertEquals(15_000, Durations.parseMillis("--x", "15s"));
        assertEquals(600_000, Durations.parseMillis("--x", "10m"));
        assertEquals(3_600_000, Durations.parseMillis("--x", " 1H "));
    }

    @Test
    void badValuesAreRefusedNamingTheOption() {
        for (String bad : new String[] {"", "10", "s", "-5s", "0s", "1.5s", "ten seconds", "9223372036854775807h"}) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Durations.parseMillis("--watchdog", bad), bad);
            assertTrue(e.getMessage().startsWith("--watchdog"), e.getMessage());
        }
        assertThrows(IllegalArgumentException.class, () -> Durations.parseMillis("--watchdog", null));
    }
}
