package io.bulwark.store.client;

import static io.bulwark.store.service.bank.BankDefinition.ALICE;
import static io.bulwark.store.service.bank.BankDefinition.BOB;
import static io.bulwark.store.service.bank.BankDefinition.TELLER;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.bulwark.bft.config.ClusterConfig;
import io.bulwark.bft.config.KeyMaterial;
import io.bulwark.bft.config.ProtocolConfig;
import io.bulwark.bft.node.BftClient;
import io.bulwark.bft.node.LocalCluster;
import io.bulwark.bft.node.ReplicaNode;
import io.bulwark.bft.service.NullService;
import io.bulwark.store.AccessDeniedException;
import io.bulwark.store.BadRequestException;
import io.bulwark.store.NotFoundException;
import io.bulwark.store.StoreDefinition;
import io.bulwark.store.ValidationException;
import io.bulwark.store.service.StoreService;
import io.bulwark.store.service.bank.BankDefinition;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** The bank through StoreClient against four real replicas running StoreService over loopback TCP. */
@Timeout(180)
class StoreClientLoopbackTest {
    private static final Duration WAIT = Duration.ofSeconds(30);

    @Test
    void bankOnFourReplicasWithTypedFailuresAndAnUnavailableGroup(@TempDir Path dir) throws Exception {
        ClusterConfig cluster = LocalCluster.prepare(dir, 1, 4);   // replicas 0..3, clients 4..7
        ProtocolConfig cfg = ProtocolConfig.defaults(1).withCheckpointInterval(8, 16);
        List<ReplicaNode> replicas = new ArrayList<>();
        try {
            for (int i = 0; i < cluster.n(); i++) {
                // Each replica builds its own definition, as separate processes would.
                ReplicaNode node = new ReplicaNode(KeyMaterial.load(dir, i), cfg,
                        new StoreService(BankDefinition.definition(), cfg.maxResultBytes()), 256);
                node.start();
                replicas.add(node);
            }
            StoreDefinition clientSide = StoreDefinition.builder().entities(io.bulwark.store.service.bank.Account.class).build();
            try (BftClient tellerLink = BftClient.connect(KeyMaterial.load(dir, TELLER), cfg);
                 BftClient aliceLink = BftClient.connect(KeyMaterial.load(dir, ALICE), cfg);
                 BftClient bobLink = BftClient.connect(KeyMaterial.load(dir, BOB), cfg)) {
                for (BftClient c : List.of(tellerLink, aliceLink, bobLink)) assertTrue(c.awaitConnected(WAIT));
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
                replicas.get(2).close();
                replicas.get(3).close();
                StoreClient impatient = new StoreClient(aliceLink, clientSide, Duration.ofSeconds(2));
                assertThrows(GroupUnavailableException.class, () -> impatient.invoke("deposit", Long.class, "a1", 1L));
            }
        } finally {
            for (ReplicaNode r : replicas) r.close();
        }
    }

    @Test
    void aCertifiedReplyThatIsNotAStoreReplyIsGroupUnavailable(@TempDir Path dir) throws Exception {
        ClusterConfig cluster = LocalCluster.prepare(dir, 1, 1);
        ProtocolConfig cfg = ProtocolConfig.defaults(1);
        List<ReplicaNode> replicas = new ArrayList<>();
        try {
            for (int i = 0; i < cluster.n(); i++) {
                // A group running some other service: its replies agree, but they are not store replies.
                ReplicaNode node = new ReplicaNode(KeyMaterial.load(dir, i), cfg, new NullService(3), 8);
                node.start();
                replicas.add(node);
            }
            try (BftClient link = BftClient.connect(KeyMaterial.load(dir, cluster.n()), cfg)) {
                assertTrue(link.awaitConnected(WAIT));
                StoreClient client = new StoreClient(link, StoreDefinition.builder().build(), WAIT);
                GroupUnavailableException e = assertThrows(GroupUnavailableException.class, () -> client.invoke("anything", Long.class));
                assertTrue(e.getMessage().contains("cannot be decoded"), e.getMessage());
            }
        } finally {
            for (ReplicaNode r : replicas) r.close();
        }
    }
}
