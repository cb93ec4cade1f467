package io.bulwark.bft.node;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.bulwark.bft.config.ProtocolConfig;
import io.bulwark.bft.core.LogEntry;
import io.bulwark.bft.msg.DecodeException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The journal's record of a vote reservation: written and read back exactly; a malformed one refused, not replayed. */
class DurableLogTest {
    @TempDir Path tmp;

    @Test
    void aReservationRoundTripsAndAMalformedOneIsRefused() throws IOException, DecodeException {
        try (DurableLog log = DurableLog.open(tmp, ProtocolConfig.defaults(1))) {
            LogEntry.VotesReserved r = new LogEntry.VotesReserved(3, 1_024);
            assertEquals(r, log.decode(7, DurableLog.encode(r)));
            assertThrows(DecodeException.class, () -> log.decode(7, new byte[15]));
            assertThrows(DecodeException.class, () -> log.decode(7, ByteBuffer.allocate(16).putLong(-1).putLong(5).array()));
            assertThrows(DecodeException.class, () -> log.decode(7, ByteBuffer.allocate(16).putLong(0).putLong(0).array()));
            assertEquals(new LogEntry.Stopped(), log.decode(8, DurableLog.encode(new LogEntry.Stopped())));
            assertThrows(DecodeException.class, () -> log.decode(8, new byte[1]));
        }
    }
}
