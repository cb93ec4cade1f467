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

        Statement statement = alice.statement(a.id, Long.MAX_VALUE, 10);
        assertEquals(7_500, statement.account().balance, "the account as it stood with its entries");
        List<Transfer> history = statement.entries();
        assertEquals(2, history.size());
        assertEquals(Transfer.Kind.TRANSFER, history.get(0).kind, "newest first");
        assertEquals(Transfer.Kind.DEPOSIT, history.get(1).kind);
        assertEquals(List.of(history.get(1).id), alice.statement(a.id, history.get(0).id, 10).entries().stream().map(e -> e.id).toList(), "the page before");
        assertEquals(1, bob.statement(b.id, Long.MAX_VALUE, 10).entries().size());
        assertThrows(NotFoundException.class, () -> alice.statement(987_654, Long.MAX_VALUE, 10));
        assertThrows(BadRequestException.class, () -> alice.statement(a.id, Long.MAX_VALUE, BankServiceBean.MAX_HISTORY + 1));
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
        assertEquals(List.of(t2.id), history.findByToAccountAndIdLessThanOrderByIdDesc(c1.id, Long.MAX_VALUE, Limit.of(1)).stream().map(t -> t.id).toList(),
                "money in, newest first");
        assertEquals(Transfer.Kind.DEPOSIT, history.findByToAccountAndIdLessThanOrderByIdDesc(c1.id, t2.id, Limit.of(5)).get(0).kind, "the page before");
        assertEquals(List.of(t1.id), history.findByFromAccountAndIdLessThanOrderByIdDesc(c1.id, Long.MAX_VALUE, Limit.of(5)).stream().map(t -> t.id).toList());
        List<Long> both = new java.util.ArrayList<>();
        history.findByToAccountAndIdLessThanOrderByIdDesc(c1.id, Long.MAX_VALUE, Limit.of(10)).forEach(t -> both.add(t.id));
        history.findByFromAccountAndIdLessThanOrderByIdDesc(c1.id, Long.MAX_VALUE, Limit.of(10)).forEach(t -> both.add(t.id));
        both.sort(java.util.Comparator.reverseOrder());
        assertEquals(both, alice.statement(c1.id, Long.MAX_VALUE, 10).entries().stream().map(t -> t.id).toList(), "the statement is both directions");

        // The service's rule for reads, on the replicas: no role, no reading (by proxy or otherwise).
        assertThrows(AccessDeniedException.class, () -> malloryClient.proxy(Accounts.class).ownedBy("carol", Limit.of(10)));
        assertThrows(AccessDeniedException.class, () -> malloryClient.proxy(History.class).findByToAccountAndIdLessThanOrderByIdDesc(c1.id, Long.MAX_VALUE, Limit.of(10)));
        assertEquals(List.of(c1.id, c2.id), tellerClient.proxy(Accounts.class).ownedBy("carol", Limit.of(10)).stream().map(a -> a.id).toList());
    }

    /**
     * The page's overview is one read: while another client moves money back and forth, every overview's accounts
     * add up to its audit, and the shown account's balance is what its own entries say. Read separately (the page
     * before: three or four requests), the balances could come from before a transfer and the entries from after it.
     */
    @Test
    void everyOverviewIsOneStateWhileMoneyMoves() throws Exception {
        Account a = teller.open("erin", "busy"), b = teller.open("frank", "busy");
        teller.deposit(a.id, 1_000);
        int moves = 40;
        java.util.concurrent.ExecutorService mover = java.util.concurrent.Executors.newSingleThreadExecutor();
        try {
            java.util.concurrent.Future<?> moving = mover.submit(() -> {
                for (int i = 0; i < moves; i++) {
                    if (i % 2 == 0) teller.transfer(a.id, b.id, 100 + i); else teller.transfer(b.id, a.id, 100 + i - 1);
                }
                return null;
            });
            int overviews = 0, changed = 0;
            long lastBalance = -1;
            while (!moving.isDone() || overviews < 3) {
                Overview o = alice.overview(null, 10, a.id, BankServiceBean.MAX_HISTORY);
                overviews++;
                assertTrue(o.audit().balanced(), o.audit().toString());
                assertEquals(o.audit().sumOfAccounts(), o.accounts().stream().mapToLong(x -> x.balance).sum(), "the listed accounts are the audited ones");
                long fromEntries = 0;
                for (Transfer t : o.statement().entries()) fromEntries += t.toAccount == a.id ? t.amount : -t.amount;
                long listed = o.accounts().stream().filter(x -> x.id == a.id).findFirst().orElseThrow().balance;
                assertEquals(fromEntries, o.statement().account().balance, "the balance is its entries' sum: " + o.statement());
                assertEquals(listed, o.statement().account().balance, "the list and the statement agree");
                if (!o.recent().isEmpty() && !o.statement().entries().isEmpty())
                    assertTrue(o.recent().get(0).id >= o.statement().entries().get(0).id, "no entry newer than the newest transfer");
                if (listed != lastBalance) changed++;
                lastBalance = listed;
            }
            moving.get();
            assertTrue(changed >= 2, "the overviews saw the money move: " + changed + " balances over " + overviews + " reads");
        } finally {
            mover.shutdownNow();
        }
        Overview mine = alice.overview("erin", 1, null, 1);
        assertEquals(List.of(a.id), mine.accounts().stream().map(x -> x.id).toList(), "only the owner's accounts");
        assertEquals(null, mine.statement());
        assertThrows(ValidationException.class, () -> alice.overview("x".repeat(65), 1, null, 1), "the contract's @Size");
        assertThrows(BadRequestException.class, () -> alice.overview(null, 0, null, 1));
        assertThrows(AccessDeniedException.class, () -> mallory.overview(null, 10, null, 1));
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
