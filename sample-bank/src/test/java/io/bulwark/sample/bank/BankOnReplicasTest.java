package io.bulwark.sample.bank;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.bulwark.bft.config.ProtocolConfig;
import io.bulwark.bft.testkit.MiniCluster;
import io.bulwark.jakarta.client.BulwarkClient;
import io.bulwark.jakarta.host.CdiReplicaHost;
import io.bulwark.store.AccessDeniedException;
import io.bulwark.store.BadRequestException;
import io.bulwark.store.NotFoundException;
import io.bulwark.store.StoreDefinition;
import io.bulwark.store.ValidationException;
import io.bulwark.store.access.AccessPolicy;
import io.bulwark.store.service.StoreService;
import jakarta.data.Limit;
import jakarta.data.page.PageRequest;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The bank's rules as the replicas enforce them: four loopback replicas (the test kit's MiniCluster) each
 * running the classes the CDI replica host boots from this module, and one client per principal.
 */
@Timeout(180)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class BankOnReplicasTest {
    static final Duration WAIT = Duration.ofSeconds(30);
    private CdiReplicaHost host;
    private MiniCluster group;
    private BankService teller, alice, bob, mallory;
    private BulwarkClient tellerClient, aliceClient, malloryClient;

    @BeforeAll
    void start(@TempDir Path dir) throws Exception {
        host = CdiReplicaHost.boot(BankOnReplicasTest.class.getClassLoader(), List.of(Account.class, Transfer.class, Ledger.class,
                BankService.class, BankServiceBean.class, NotYourAccountException.class, Accounts.class, History.class));
        // clients are principals 4..7: the teller, two customers, and a client the policy gives no role
        AccessPolicy policy = AccessPolicy.builder().grant(4, "teller", BankService.TELLER).grant(5, "alice", BankService.CUSTOMER)
                .grant(6, "bob", BankService.CUSTOMER).grant(7, "mallory").build();
        StoreDefinition definition = host.definition(policy);
        ProtocolConfig cfg = ProtocolConfig.defaults(1).withCheckpointInterval(8, 16);
        group = MiniCluster.builder(dir).protocol(cfg).clients(4).pages(256).waitLimit(WAIT)
                .service(i -> new StoreService(definition, cfg.maxResultBytes())).build();
        tellerClient = BulwarkClient.over(group.client(0), WAIT);
        aliceClient = BulwarkClient.over(group.client(1), WAIT);
        malloryClient = BulwarkClient.over(group.client(3), WAIT);
        teller = tellerClient.proxy(BankService.class);
        alice = aliceClient.proxy(BankService.class);
        bob = BulwarkClient.over(group.client(2), WAIT).proxy(BankService.class);
        mallory = malloryClient.proxy(BankService.class);
    }

    @AfterAll
    void stop() {
        try {
            if (group != null) group.close();
        } finally {
            if (host != null) host.close();
        }
    }

    @Test
    void depositsTransfersHistoryAndTheInvariants() {
        Account a = alice.open("alice", "checking");
        Account b = teller.open("bob", "savings");   // a teller opens for anyone
        assertEquals("alice", a.owner);
        assertEquals(0, a.balance);
        assertEquals(10_000, teller.deposit(a.id, 10_000).balance);

        Transfer t = alice.transfer(a.id, b.id, 2_500);
        assertEquals("alice", t.by, "the principal the replicas authenticated, not a name the client sent");
        assertEquals(7_500, alice.account(a.id).balance);
        assertEquals(2_500, bob.account(b.id).balance);

        // No negative balance: the overdraft aborts the whole operation, on the replicas.
        ValidationException overdraft = assertThrows(ValidationException.class, () -> alice.transfer(a.id, b.id, 7_501));
        assertEquals("balance", overdraft.violations().get(0).path());
        assertEquals(7_500, alice.account(a.id).balance, "the refused transfer changed nothing");
        assertEquals(2_500, alice.account(b.id).balance);
        assertThrows(ValidationException.class, () -> alice.transfer(a.id, b.id, -5), "a negative amount is refused by the contract's @Positive");
        assertThrows(BadRequestException.class, () -> alice.transfer(a.id, a.id, 1));
        assertThrows(NotFoundException.class, () -> alice.transfer(a.id, 987_654, 1));

        List<Transfer> history = alice.history(a.id);
        assertEquals(2, history.size());
        assertEquals(Transfer.Kind.TRANSFER, history.get(0).kind, "newest first");
        assertEquals(Transfer.Kind.DEPOSIT, history.get(1).kind);
        assertEquals(1, bob.history(b.id).size());
        assertTrue(teller.recentTransfers(10).size() >= 2);

        Audit audit = teller.audit();
        assertTrue(audit.balanced(), audit.toString());
        assertTrue(audit.deposits() >= 10_000, audit.toString());
    }

    @Test
    void readsThroughTheRepositoriesWithTheServicesRule() {
        Account c1 = teller.open("carol", "one"), c2 = teller.open("carol", "two"), d = teller.open("dave", "main");
        teller.deposit(c1.id, 5_000);
        Transfer t1 = teller.transfer(c1.id, d.id, 1_000), t2 = teller.transfer(d.id, c1.id, 300);

        Accounts accounts = aliceClient.proxy(Accounts.class);
        assertEquals(List.of(c1.id, c2.id), accounts.ownedBy("carol", Limit.of(10)).stream().map(a -> a.id).toList(), "by the owner index, id order");
        assertEquals(List.of(c1.id), accounts.ownedBy("carol", Limit.of(1)).stream().map(a -> a.id).toList());
        assertEquals(4_300, accounts.byId(c1.id).orElseThrow().balance, "what the service wrote");
        assertTrue(accounts.byId(Long.MAX_VALUE).isEmpty());
        List<Long> all = accounts.all(PageRequest.ofSize(500)).content().stream().map(a -> a.id).toList();
        assertTrue(all.containsAll(List.of(c1.id, c2.id, d.id)), all.toString());
        assertEquals(all.stream().sorted().toList(), all, "id order");
        assertEquals(all.subList(1, 2), accounts.all(PageRequest.ofPage(2, 1, false)).content().stream().map(a -> a.id).toList());

        History history = aliceClient.proxy(History.class);
        List<Transfer> newest = history.of(c1.id, Long.MAX_VALUE, 2);
        assertEquals(List.of(t2.id, t1.id), newest.stream().map(t -> t.id).toList(), "in and out of the account, newest first");
        List<Transfer> rest = history.of(c1.id, t1.id, 2);
        assertEquals(1, rest.size(), "the page before: the deposit");
        assertEquals(Transfer.Kind.DEPOSIT, rest.get(0).kind);
        assertEquals(alice.history(c1.id).stream().map(t -> t.id).toList(), history.of(c1.id, Long.MAX_VALUE, History.MAX_PAGE).stream().map(t -> t.id).toList(),
                "the same history as the service's");
        assertThrows(IllegalArgumentException.class, () -> history.of(c1.id, Long.MAX_VALUE, History.MAX_PAGE + 1));

        // The service's rule for reads, on the replicas: no role, no reading (by proxy or otherwise).
        assertThrows(AccessDeniedException.class, () -> malloryClient.proxy(Accounts.class).ownedBy("carol", Limit.of(10)));
        assertThrows(AccessDeniedException.class, () -> malloryClient.proxy(History.class).of(c1.id, Long.MAX_VALUE, 10));
        assertEquals(List.of(c1.id, c2.id), tellerClient.proxy(Accounts.class).ownedBy("carol", Limit.of(10)).stream().map(a -> a.id).toList());
    }

    @Test
    void onlyTheOwnerOrATellerMovesMoneyOut() {
        Account a = alice.open("alice", "rent");
        Account b = bob.open("bob", "pocket");
        teller.deposit(a.id, 1_000);
        teller.deposit(b.id, 1_000);

        NotYourAccountException stolen = assertThrows(NotYourAccountException.class, () -> bob.transfer(a.id, b.id, 500));
        assertTrue(stolen.getMessage().contains("bob may not move money out of it"), stolen.getMessage());
        assertThrows(NotYourAccountException.class, () -> bob.open("alice", "in alice's name"));
        assertThrows(AccessDeniedException.class, () -> bob.deposit(b.id, 1_000_000), "only tellers take deposits");
        assertThrows(AccessDeniedException.class, () -> mallory.transfer(a.id, b.id, 1), "no role, no operation");
        assertThrows(AccessDeniedException.class, () -> mallory.accounts());
        assertEquals(1_000, alice.account(a.id).balance);

        assertEquals(300, teller.transfer(a.id, b.id, 300).amount, "a teller moves money out of any account");
        assertEquals(1_300, bob.account(b.id).balance);
        assertEquals("bob", bob.whoAmI());
        assertTrue(teller.audit().balanced());
    }
}
