package io.bulwark.store.cli;

import io.bulwark.store.unreplicated.UnreplicatedFrames;
import io.bulwark.store.unreplicated.UnreplicatedStoreClient;
import static io.bulwark.store.service.bank.BankDefinition.ALICE;
import static io.bulwark.store.service.bank.BankDefinition.BOB;
import static io.bulwark.store.service.bank.BankDefinition.TELLER;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.bulwark.store.AccessDeniedException;
import io.bulwark.store.StoreDefinition;
import io.bulwark.store.ValidationException;
import io.bulwark.store.client.GroupUnavailableException;
import io.bulwark.store.client.StoreClient;
import io.bulwark.store.service.StoreService;
import io.bulwark.store.service.bank.BankDefinition;
import java.io.DataOutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The store's test bank (object-store's test jar) through StoreClient over the unreplicated store server on
 * loopback: the same outcomes as on replicas, and malformed frames refused and counted.
 */
@Timeout(60)
class UnreplicatedStoreTest {
    private static final Duration WAIT = Duration.ofSeconds(20);

    @Test
    void theBankWithTypedFailuresAndMalformedFramesRefused() throws Exception {
        try (UnreplicatedStoreServer server = new UnreplicatedStoreServer(new StoreService(BankDefinition.definition()), 64)) {
            int port = server.start(new InetSocketAddress("127.0.0.1", 0));
            InetSocketAddress at = new InetSocketAddress("127.0.0.1", port);
            StoreDefinition clientSide = StoreDefinition.builder().entities(io.bulwark.store.service.bank.Account.class).build();
            try (UnreplicatedStoreClient t = new UnreplicatedStoreClient(at, TELLER); UnreplicatedStoreClient a = new UnreplicatedStoreClient(at, ALICE);
                 UnreplicatedStoreClient b = new UnreplicatedStoreClient(at, BOB)) {
                StoreClient teller = new StoreClient(t, clientSide, WAIT), alice = new StoreClient(a, clientSide, WAIT), bob = new StoreClient(b, clientSide, WAIT);
                assertEquals("a1", teller.invoke("open", String.class, "a1", "alice", 100L));
                assertEquals("b1", teller.invoke("open", String.class, "b1", "bob", 50L));
                assertEquals(70L, alice.invoke("transfer", Long.class, "a1", "b1", 30L));
                assertEquals(80L, bob.invokeReadOnly("balance", Long.class, "b1"));
                assertEquals("bob", bob.invokeReadOnly("whoAmI", String.class), "the id the client stated (no authentication here)");
                ValidationException v = assertThrows(ValidationException.class, () -> bob.invoke("transfer", Long.class, "b1", "a1", 81L));
                assertEquals("balance", v.violations().get(0).path());
                assertThrows(AccessDeniedException.class, () -> bob.invoke("transfer", Long.class, "a1", "b1", 1L));
                assertEquals(70L, alice.invokeReadOnly("balance", Long.class, "a1"));

                // A frame over the bound closes its connection, is counted, and changes nothing.
                try (Socket s = new Socket("127.0.0.1", port)) {
                    DataOutputStream out = new DataOutputStream(s.getOutputStream());
                    out.writeInt(UnreplicatedFrames.MAX_FRAME + 1);
                    out.flush();
                    assertEquals(-1, s.getInputStream().read(), "the server closed the connection");
                }
                try (Socket s = new Socket("127.0.0.1", port)) {
                    DataOutputStream out = new DataOutputStream(s.getOutputStream());
                    out.writeInt(6);
                    out.writeInt(ALICE);
                    out.writeByte(7);
                    out.writeByte(0);
                    out.flush();
                    assertEquals(-1, s.getInputStream().read());
                }
                assertEquals(Map.of("bad-flag", 1L, "too-large", 1L), server.rejections());
                assertEquals(70L, alice.invokeReadOnly("balance", Long.class, "a1"));
            }
            server.close();
            try (UnreplicatedStoreClient gone = new UnreplicatedStoreClient(at, ALICE)) {
                GroupUnavailableException e = assertThrows(GroupUnavailableException.class,
                        () -> new StoreClient(gone, clientSide, WAIT).invokeReadOnly("balance", Long.class, "a1"));
                assertTrue(e.getMessage().contains("unreplicated store"), e.getMessage());
            }
        }
    }

}
