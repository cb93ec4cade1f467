package io.bulwark.store.unreplicated;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.net.InetSocketAddress;
import org.junit.jupiter.api.Test;

/** The unreplicated store's client; the server and the end-to-end test are in bulwark-cli, with the command that runs it. */
class UnreplicatedStoreClientTest {
    @Test
    void addressesAreParsedOrRefusedClearly() {
        assertEquals(new InetSocketAddress("127.0.0.1", 9), UnreplicatedStoreClient.parseAddress("127.0.0.1:9"));
        for (String bad : new String[] {"127.0.0.1", ":9", "127.0.0.1:x", "127.0.0.1:0", "127.0.0.1:70000"})
            assertThrows(IllegalArgumentException.class, () -> UnreplicatedStoreClient.parseAddress(bad), bad);
    }
}
