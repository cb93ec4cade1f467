package io.bulwark.bft.durable;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RecoveryTallyTest {
    @Test
    void noFileIsZeroAndAWrittenCountReadsBack(@TempDir Path dir) throws IOException {
        Path f = dir.resolve(RecoveryTally.FILE);
        assertEquals(0, RecoveryTally.read(f));
        RecoveryTally.write(f, 7);
        assertEquals(7, RecoveryTally.read(f));
        RecoveryTally.write(f, 8);
        assertEquals(8, RecoveryTally.read(f));
    }

    @Test
    void aDamagedOrOversizedFileIsAnErrorNamingIt(@TempDir Path dir) throws IOException {
        Path f = dir.resolve(RecoveryTally.FILE);
        for (String bad : new String[] {"", "seven", "-1", "1 2", "99999999999999999999"}) {
            Files.writeString(f, bad);
            IOException e = assertThrows(IOException.class, () -> RecoveryTally.read(f), bad);
            assertTrue(e.getMessage().contains(f.toString()), e.getMessage());
        }
        Files.write(f, new byte[1 << 20]);   // read bounded: not a count, never loaded whole
        assertThrows(IOException.class, () -> RecoveryTally.read(f));
        assertThrows(IllegalArgumentException.class, () -> RecoveryTally.write(f, -1));
    }
}
