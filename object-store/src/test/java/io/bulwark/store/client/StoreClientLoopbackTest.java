package io.bulwark.store.client;

import static io.bulwark.store.service.bank.BankDefinition.ALICE;
import static io.bulwark.store.service.bank.BankDefinition.BOB;
import static io.bulwark.store.service.bank.BankDefinition.TELLER;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.bulwark.bft.config.ProtocolConfig;
import io.bulwark.bft.node.BftClient;
import io.bulwark.bft.service.NullService;
import io.bulwark.bft.testkit.MiniCluster;
import io.bulwark.store.AccessDeniedException;
import io.bulwark.store.BadRequestException;
import io.bulwark.store.NotFoundException;
import io.bulwark.store.StoreDefinition;
import io.bulwark.store.ValidationException;
import io.bulwark.store.service.StoreService;
import io.bulwark.store.service.bank.BankDefinition;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** The bank through StoreClient against four real replicas running StoreService over loopback TCP. */
@Timeout(180)
class StoreClientLoopbackTest {
    private static final Duration WAIT = Duration.ofSeconds(30);

    @Test
    void bankOnFourReplicasWithTypedFailuresAndAnUnavailableGroup(@TempDir Path dir) throws Exception {
        ProtocolConfig cfg = ProtocolConfig.defaults(1).withCheckpointInterval(8, 16);
        // Replicas 0..3, clients 4..7; each replica builds its own definition, as separate processes would.
        try (MiniCluster g = MiniCluster.builder(dir).protocol(cfg).clients(4).pages(256).waitLimit(WAIT)
                .service(i -> new StoreService(BankDefinition.definition(), cfg.maxResultBytes())).build()) {
            StoreDefinition clientSide = StoreDefinition.builder().entities(io.bulwark.store.service.bank.Account.class).build();
            BftClient tellerLink = g.client(TELLER - g.n()), aliceLink = g.client(ALICE - g.n()), bobLink = g.client(BOB - g.n());
            StoreClient teller = new StoreClient(tellerLink, clientSide, WAIT);
            StoreClient alice = new StoreClient(aliceLink, clientSide, WAIT);
            StoreClient bob = new StoreClient(bobLink, clientSide, WAIT);

            assertEquals("a1", teller.invoke("open", String.class, "a1", "alice", 100L));
            assertEquals("b1", teller.invoke("open", String.class, "b1", "bob", 50L));
            for (int i = 0; i < 10; i++) alice.invoke("deposit", long.class, "a1", 1L);   // past a checkpoint (K = 8)
            assertEquals(80L, alice.invoke("transfer", Long.class, "a1", "b1", 30L));
            assertEquals(80L, bob.invokeReadOnly("balance", Long.class, "b1"));
            assertEquals("bob", bob.invokeReadOnly("whoAmI", String.class));

            ValidationException v = assertThrows(ValidationException.class, () -> bob.invoke("transfer", Long.class, "b1", "a1", 81L));
            assertEquals("balance", v.violations().get(0).path());
            assertThrows(AccessDeniedException.class, () -> bob.invoke("transfer", Long.class, "a1", "b1", 80L));
            assertThrows(AccessDeniedException.class, () -> alice.invoke("open", String.class, "a2", "alice", 1_000L));
            assertThrows(NotFoundException.class, () -> alice.invokeReadOnly("balance", Long.class, "nope"));
            assertThrows(BadRequestException.class, () -> alice.invokeReadOnly("deposit", Long.class, "a1", 1L));
            assertThrows(BadRequestException.class, () -> alice.invoke("nope", Long.class));
            assertEquals(80L, alice.invokeReadOnly("balance", Long.class, "a1"));
            assertEquals(80L, bob.invokeReadOnly("balance", Long.class, "b1"));
            // An argument the client's codec cannot encode is refused before anything is sent.
            assertThrows(BadRequestException.class, () -> alice.invoke("deposit", Long.class, "a1", new Object()));

            // f + 1 replicas down: no certificate can form, and the client says so rather than guessing.
            g.stop(2);
            g.stop(3);
            StoreClient impatient = new StoreClient(aliceLink, clientSide, Duration.ofSeconds(2));
            assertThrows(GroupUnavailableException.class, () -> impatient.invoke("deposit", Long.class, "a1", 1L));
        }
    }

    @Test
    void aCertifiedReplyThatIsNotAStoreReplyIsGroupUnavailable(@TempDir Path dir) throws Exception {
        // A group running some other service: its replies agree, but they are not store replies.
        try (MiniCluster g = MiniCluster.builder(dir).protocol(ProtocolConfig.defaults(1)).clients(1).pages(8).waitLimit(WAIT)
                .service(i -> new NullService(3)).build()) {
            BftClient link = g.client(0);
            StoreClient client = new StoreClient(link, StoreDefinition.builder().build(), WAIT);
            GroupUnavailableException e = assertThrows(GroupUnavailableException.class, () -> client.invoke("anything", Long.class));
            assertTrue(e.getMessage().contains("cannot be decoded"), e.getMessage());
        }
    }
}
