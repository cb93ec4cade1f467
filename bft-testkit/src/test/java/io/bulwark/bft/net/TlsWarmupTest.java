package io.bulwark.bft.net;

import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The start-up warm-up really handshakes and carries records (a failure would throw), and reports when done. */
@Timeout(120)
class TlsWarmupTest {
    @Test
    void handshakesAndCarriesRecordsInMemory() throws Exception {
        // The checksum covers the bytes the acceptor decrypted: a record that did not arrive whole would change it.
        long once = TlsWarmup.run(16), again = TlsWarmup.run(16);
        assertTrue(once == again, "the same pages arrive each time: " + once + " vs " + again);
        assertNotEquals(TlsWarmup.run(17), once, "one more page, another checksum");
    }

    @Test
    void theBackgroundThreadSaysWhenItIsDone() throws Exception {
        BlockingQueue<String> said = new ArrayBlockingQueue<>(1);
        Thread t = TlsWarmup.startInBackground("warmup-test", said::add);
        assertTrue(t.isDaemon(), "it never keeps a process alive");
        String what = said.poll(100, TimeUnit.SECONDS);
        assertTrue(what != null && what.contains("done in"), "reported: " + what);
    }
}
