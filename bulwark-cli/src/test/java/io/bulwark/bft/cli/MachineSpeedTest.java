package io.bulwark.bft.cli;

import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class MachineSpeedTest {

    @Test
    void measuresBothFiguresOnThisMachine() {
        MachineSpeed m = MachineSpeed.measure();
        assertTrue(m.sha256MiBPerSecond() > 0 && Double.isFinite(m.sha256MiBPerSecond()), m.toString());
        assertTrue(m.pageFaultMicros() > 0 && Double.isFinite(m.pageFaultMicros()), m.toString());
        assertTrue(m.loopbackRoundTripMicros() > 0 && Double.isFinite(m.loopbackRoundTripMicros()), m.toString());
        String line = m.describe("at start");
        assertTrue(line.startsWith("# machine at start: SHA-256 on one thread ") && line.contains(" MiB/s, first touch of fresh memory ")
                && line.contains(" us per 4 KiB page, loopback TCP round trip p50 ")
                && line.contains(" us "), line);
    }

    @Test
    void aRoundTripThatCouldNotBeMeasuredSaysWhy() {
        String line = new MachineSpeed(1500, 10.2, Double.NaN, "loopback round trip: java.net.SocketTimeoutException: Read timed out").describe("at end");
        assertTrue(line.contains("round trip p50 unavailable (loopback round trip: java.net.SocketTimeoutException: Read timed out)"), line);
        assertTrue(line.contains("1500 MiB/s"), line);
    }
}
