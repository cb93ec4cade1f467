package io.bulwark.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.bulwark.bft.testkit.Await;
import io.bulwark.jakarta.client.BulwarkClient;
import io.bulwark.sample.bank.Accounts;
import io.bulwark.sample.bank.BankService;
import io.bulwark.sample.bank.History;
import io.bulwark.sample.users.SampleGroupFiles;
import io.bulwark.store.AccessDeniedException;
import jakarta.data.Limit;
import java.io.File;
import java.net.URI;
import java.net.URL;
import java.time.Duration;
import java.util.List;
import org.jboss.arquillian.container.test.api.Deployment;
import org.jboss.arquillian.container.test.api.RunAsClient;
import org.jboss.arquillian.junit5.ArquillianExtension;
import org.jboss.arquillian.test.api.ArquillianResource;
import org.jboss.shrinkwrap.api.ShrinkWrap;
import org.jboss.shrinkwrap.api.importer.ZipImporter;
import org.jboss.shrinkwrap.api.spec.WebArchive;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The sample bank's WAR, unchanged, on an application server (the Maven profile chooses which) against four
 * replica-host processes: REST calls as the demo users (see {@code SampleGroupFiles}: teller, alice and bob
 * customers, mallory no role), each signed by the replicas-known BFT client of that user.
 */
@ExtendWith(ArquillianExtension.class)
@RunAsClient
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class BankOnServerIT {
    private static BankGroup group;
    private static long aliceAccount, bobAccount;

    @ArquillianResource
    private URL deployed;

    @Deployment(testable = false)
    static WebArchive war() {
        File war = new File(BankGroup.required("it.deps"), "bank.war");
        return ShrinkWrap.create(ZipImporter.class, "bank.war").importFrom(war).as(WebArchive.class);
    }

    @BeforeAll
    static void startReplicas() throws Exception {
        group = BankGroup.start();
    }

    @AfterAll
    static void stopReplicas() {
        if (group != null) group.close();
    }

    private Http as(String user) throws Exception {
        return new Http(base(), user, user);   // demo passwords are the users' names
    }

    /** The deployment's URL on 127.0.0.1: some adapters report another host name, the server listens on loopback only. */
    private URI base() throws Exception {
        return new URI("http", null, "127.0.0.1", deployed.getPort(), deployed.getPath(), null, null);
    }

    @Test @Order(1)
    void transfersThroughRestWithBalancesHistoryAndTheInvariants() throws Exception {
        Http teller = as("teller"), alice = as("alice"), bob = as("bob");
        Http.Reply me = alice.get("api/me");
        assertEquals(200, me.status(), me.toString());
        assertTrue(me.body().contains("\"replicaPrincipal\":\"alice\""), "the replicas authenticated alice's client: " + me);

        Http.Reply a = teller.post("api/accounts", "{\"owner\":\"alice\",\"name\":\"checking\"}");
        assertEquals(200, a.status(), a.toString());
        aliceAccount = a.number("id");
        Http.Reply b = bob.post("api/accounts", "{\"owner\":\"bob\",\"name\":\"savings\"}");
        assertEquals(200, b.status(), b.toString());
        bobAccount = b.number("id");

        Http.Reply dep = teller.post("api/accounts/" + aliceAccount + "/deposits", "{\"amount\":10000}");
        assertEquals(200, dep.status(), dep.toString());
        assertEquals(10_000, dep.number("balance"));

        Http.Reply t = alice.post("api/transfers", move(aliceAccount, bobAccount, 2_500));
        assertEquals(200, t.status(), t.toString());
        assertTrue(t.body().contains("\"by\":\"alice\""), t.toString());
        assertEquals(7_500, alice.get("api/accounts/" + aliceAccount).number("balance"));
        assertEquals(2_500, bob.get("api/accounts/" + bobAccount).number("balance"));

        // No negative balance, enforced on the replicas: 422 and nothing changed.
        Http.Reply overdraft = alice.post("api/transfers", move(aliceAccount, bobAccount, 7_501));
        assertEquals(422, overdraft.status(), overdraft.toString());
        assertTrue(overdraft.body().contains("balance"), overdraft.toString());
        assertEquals(7_500, alice.get("api/accounts/" + aliceAccount).number("balance"));

        Http.Reply history = alice.get("api/accounts/" + aliceAccount + "/history");
        assertEquals(200, history.status(), history.toString());
        assertEquals(2, history.all("amount").size(), history.toString());
        assertTrue(history.body().indexOf("TRANSFER") < history.body().indexOf("DEPOSIT"), "newest first: " + history);
        assertEquals(1, bob.get("api/accounts/" + bobAccount + "/history").all("amount").size());

        // The read paths go through the Jakarta Data repositories (Accounts, History), answered by the replicas.
        assertEquals(List.of(aliceAccount), alice.get("api/accounts?owner=alice").all("id"), "alice's accounts by the owner index");
        assertEquals(List.of(bobAccount), alice.get("api/accounts?owner=bob").all("id"));
        assertEquals(List.of(), alice.get("api/accounts?owner=nobody").all("id"));
        assertEquals(List.of(aliceAccount, bobAccount), teller.get("api/accounts").all("id"), "every account, in id order");
        assertEquals(List.of(aliceAccount), teller.get("api/accounts?page=1&size=1").all("id"));
        assertEquals(List.of(bobAccount), teller.get("api/accounts?page=2&size=1").all("id"));
        assertEquals(400, teller.get("api/accounts?size=0").status());
        Http.Reply newest = alice.get("api/accounts/" + aliceAccount + "/history?limit=1");
        assertEquals(200, newest.status(), newest.toString());
        assertEquals(List.of(2_500L), newest.all("amount"), "the newest entry only: " + newest);
        Http.Reply older = alice.get("api/accounts/" + aliceAccount + "/history?limit=1&before=" + newest.number("id"));
        assertTrue(older.body().contains("DEPOSIT") && older.all("amount").equals(List.of(10_000L)), "the page before it: " + older);
        assertEquals(List.of(), alice.get("api/accounts/" + aliceAccount + "/history?limit=1&before=" + older.number("id")).all("amount"));
        assertEquals(404, alice.get("api/accounts/987654/history").status(), "no such account");
        assertEquals(400, alice.get("api/accounts/" + aliceAccount + "/history?limit=0").status());
        // One direction through the History repository: an index walk each.
        assertEquals(List.of(10_000L), alice.get("api/accounts/" + aliceAccount + "/history?direction=in").all("amount"), "money in: the deposit");
        assertEquals(List.of(2_500L), alice.get("api/accounts/" + aliceAccount + "/history?direction=out").all("amount"), "money out: the transfer");
        assertEquals(404, alice.get("api/accounts/987654/history?direction=in").status(), "no such account");
        assertEquals(400, alice.get("api/accounts/" + aliceAccount + "/history?direction=sideways").status());

        // The page's one read: the accounts, the newest transfers, the audit and the shown account's statement.
        Http.Reply overview = alice.get("api/overview?recent=5&account=" + aliceAccount + "&entries=5");
        assertEquals(200, overview.status(), overview.toString());
        assertEquals(overview.number("deposits"), overview.number("sumOfAccounts"), "the audit in it balances: " + overview);
        assertTrue(overview.body().contains("\"statement\"") && overview.body().contains("\"entries\""), overview.toString());
        assertEquals(List.of(aliceAccount), alice.get("api/overview?owner=alice").all("id").subList(0, 1), "only alice's accounts first");
        assertEquals(400, alice.get("api/overview?recent=0").status());
        assertEquals(404, alice.get("api/overview?account=987654").status());

        Http.Reply audit = teller.get("api/audit");
        assertEquals(audit.number("deposits"), audit.number("sumOfAccounts"), audit.toString());
        assertEquals(audit.number("deposits"), audit.number("ledgerBalances"), audit.toString());

        Http.Reply page = as(null).get("");
        assertEquals(200, page.status());
        assertTrue(page.body().contains("Bulwark sample bank"), "the page is served without login; its API calls need one");
        Http.Reply g = teller.get("api/group");
        assertEquals(200, g.status(), g.toString());
        assertFalse(g.body().contains("\"reachable\":false"), g.toString());
        assertEquals(4, g.all("port").size(), g.toString());
        // Each replica's own status (STATUS-REPORT through the teller's client): a new group, no checkpoint stable yet. A
        // new replica counts as recovering (section 4.4: it may have voted before and forgotten it) until a stable
        // checkpoint reaches its estimated H_M, so "recovering" or "normal".
        g = awaitGroup(teller, body -> count(body, "\"state\":\"recovering\"") + count(body, "\"state\":\"normal\"") == 4,
                "all four replicas answer for themselves");
        assertEquals(List.of(0L, 0L, 0L, 0L), g.all("stableCheckpoint"), g.toString());
        assertEquals(List.of(0L, 0L, 0L, 0L), g.all("recoveries"), "a new group has recovered nothing: " + g);
    }

    @Test @Order(2)
    void aCallerWithoutTheRightRoleCannotMoveMoney() throws Exception {
        Http bob = as("bob"), mallory = as("mallory");
        Http.Reply stolen = bob.post("api/transfers", move(aliceAccount, bobAccount, 100));
        assertEquals(403, stolen.status(), "bob is a customer, not alice: " + stolen);
        assertTrue(stolen.body().contains("NotYourAccountException"), stolen.toString());
        Http.Reply noRole = mallory.post("api/transfers", move(aliceAccount, bobAccount, 100));
        assertEquals(403, noRole.status(), "mallory has no role: " + noRole);
        assertEquals(403, bob.post("api/accounts/" + bobAccount + "/deposits", "{\"amount\":1000000}").status(), "only tellers deposit");
        assertEquals(400, bob.post("api/transfers", "not json").status(), "an unreadable body");
        assertEquals(401, as(null).post("api/transfers", move(aliceAccount, bobAccount, 100)).status(), "no login");
        assertEquals(401, new Http(base(), "alice", "wrong").get("api/accounts").status());
        // The repositories' reads have the service's rule, checked on the replicas: no role, no reading.
        assertEquals(403, mallory.get("api/accounts").status(), "mallory has no role: the replicas refuse the repository read");
        assertEquals(403, mallory.get("api/accounts?owner=alice").status());
        assertEquals(403, mallory.get("api/accounts/" + aliceAccount + "/history").status());
        assertEquals(7_500, as("alice").get("api/accounts/" + aliceAccount).number("balance"), "nothing moved");
    }

    @Test @Order(3)
    void aCraftedRequestWithoutTheRoleIsRefusedByTheReplicas() throws Exception {
        // eve bypasses the web tier: her own BFT client (client 8's keys, no role), the contract's operations sent directly.
        try (BulwarkClient client = BulwarkClient.connect(group.clusterConf, SampleGroupFiles.EVE, Duration.ofSeconds(60))) {
            BankService bank = client.proxy(BankService.class);
            assertThrows(AccessDeniedException.class, () -> bank.transfer(aliceAccount, bobAccount, 100));
            assertThrows(AccessDeniedException.class, () -> bank.deposit(aliceAccount, 100));
            // Nor can she read through the repositories (read-only: they offer no write to craft).
            Accounts accounts = client.proxy(Accounts.class);
            assertThrows(AccessDeniedException.class, () -> accounts.ownedBy("alice", Limit.of(10)));
            assertThrows(AccessDeniedException.class, () -> client.proxy(History.class).findByToAccountAndIdLessThanOrderByIdDesc(aliceAccount, Long.MAX_VALUE, Limit.of(10)));
            assertThrows(AccessDeniedException.class, () -> bank.overview(null, 10, aliceAccount, 10));
        }
        assertEquals(7_500, as("alice").get("api/accounts/" + aliceAccount).number("balance"), "nothing moved");
    }

    @Test @Order(4)
    void keepsGoingAfterKillMinus9OfThePrimary() throws Exception {
        Http alice = as("alice"), teller = as("teller");
        Http.Reply before = teller.get("api/group");
        long view = before.number("view");
        int primary = (int) before.number("primary");
        group.kill(primary);   // the hardest replica to lose: the backups must change views (section 4.4) before anything commits
        for (int i = 0; i < 5; i++) {
            Http.Reply t = alice.post("api/transfers", move(aliceAccount, bobAccount, 100));
            assertEquals(200, t.status(), "transfer " + i + " with the primary (replica " + primary + ") dead: " + t);
        }
        assertEquals(7_000, alice.get("api/accounts/" + aliceAccount).number("balance"));
        assertEquals(3_000, as("bob").get("api/accounts/" + bobAccount).number("balance"));
        Http.Reply audit = teller.get("api/audit");
        assertEquals(audit.number("deposits"), audit.number("sumOfAccounts"), audit.toString());
        Http.Reply g = alice.get("api/group");
        assertTrue(g.number("view") > view, "a later view: " + g);
        assertTrue(g.number("primary") != primary, "another primary: " + g);
        List<String> parts = List.of(g.body().split("\\{"));
        assertTrue(parts.stream().anyMatch(p -> p.contains("\"id\":" + primary + ",") && p.contains("\"reachable\":false")),
                "replica " + primary + " shows unreachable: " + g);
        assertEquals(3, g.body().split("\"reachable\":true", -1).length - 1, g.toString());
    }

    /**
     * The mission's "loses nothing acknowledged" on the Jakarta path: every replica host {@code kill -9}ed at once
     * (the one killed above included: it restarts from what it saved before it died), all four started again on
     * their data dirs, and the bank through the same server — the same BFT clients, which never restarted — shows
     * every transfer it acknowledged, and goes on. The last transfers are past any saved checkpoint (K = 128):
     * only the replicas' journals hold them. With in-memory replicas the accounts themselves would be gone.
     */
    @Test @Order(5)
    void losesNoAcknowledgedTransferWhenEveryReplicaHostIsKilledAndRestarted() throws Exception {
        Http alice = as("alice"), bob = as("bob"), teller = as("teller");
        for (int i = 0; i < 3; i++) {
            Http.Reply t = alice.post("api/transfers", move(aliceAccount, bobAccount, 10));
            assertEquals(200, t.status(), "transfer " + i + " before the crash: " + t);
        }
        String historyPath = "api/accounts/" + aliceAccount + "/history?limit=50";
        Http.Reply historyBefore = alice.get(historyPath);
        assertEquals(200, historyBefore.status(), historyBefore.toString());
        assertEquals(10, historyBefore.all("amount").size(), "the deposit and 9 transfers: " + historyBefore);

        for (int id = 0; id < 4; id++) group.restart(id);   // kill -9 of each that runs, then a new process on its data dir
        group.awaitReady();

        // The server's clients find the group again (new connections, new session keys, the recovery of section 4.4).
        Http.Reply balance = awaitOk(alice, "api/accounts/" + aliceAccount, Duration.ofSeconds(120));
        assertEquals(6_970, balance.number("balance"), "alice's balance after the restart: " + balance);
        assertEquals(3_030, bob.get("api/accounts/" + bobAccount).number("balance"));
        Http.Reply historyAfter = alice.get(historyPath);
        assertEquals(historyBefore.body(), historyAfter.body(), "the same statement, entry for entry");
        Http.Reply audit = teller.get("api/audit");
        assertEquals(audit.number("deposits"), audit.number("sumOfAccounts"), audit.toString());

        Http.Reply after = alice.post("api/transfers", move(aliceAccount, bobAccount, 70));
        assertEquals(200, after.status(), "a transfer after the restart: " + after);
        assertEquals(6_900, alice.get("api/accounts/" + aliceAccount).number("balance"));
        // The group as the page shows it: all four reachable again, each answering for itself; each restarted on a saved
        // state or journal, so each is in (or through) a recovery of section 4.4, which ends at a stable checkpoint past
        // its recovery point (K = 128 requests away: not reached by these few transfers).
        Http.Reply g = awaitGroup(teller, body -> count(body, "\"reachable\":true") == 4 && count(body, "\"state\":\"") == 4,
                "all four replicas back and answering");
        assertEquals(4, count(g.body(), "\"state\":\"recovering\"") + count(g.body(), "\"recoveries\":1"),
                "every restarted replica recovering or recovered: " + g);
    }

    /** GET api/group until it answers 200 with a body that {@code condition} holds of, up to a minute; that reply. */
    private static Http.Reply awaitGroup(Http as, java.util.function.Predicate<String> condition, String what) {
        return awaitReply(as, "api/group", r -> r.status() == 200 && condition.test(r.body()), Duration.ofSeconds(60), what);
    }

    /** GET {@code path} until it answers 200 (the group may still be recovering), up to {@code patience}; that reply. */
    private static Http.Reply awaitOk(Http as, String path, Duration patience) {
        return awaitReply(as, path, r -> r.status() == 200, patience, "GET " + path + " answering 200");
    }

    /** GET {@code path} until {@code ok} holds of the reply ({@link Await}, each GET waiting up to the client's timeout); that reply. */
    private static Http.Reply awaitReply(Http as, String path, java.util.function.Predicate<Http.Reply> ok, Duration patience, String what) {
        Http.Reply[] last = new Http.Reply[1];
        Await.until(what, patience, () -> {
            try {
                last[0] = as.get(path);
            } catch (java.io.IOException e) {
                throw new java.io.UncheckedIOException(e);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted", e);
            }
            return ok.test(last[0]);
        }, () -> "the last reply: " + last[0]);
        return last[0];
    }

    private static int count(String text, String part) {
        return text.split(java.util.regex.Pattern.quote(part), -1).length - 1;
    }

    private static String move(long from, long to, long amount) {
        return "{\"from\":" + from + ",\"to\":" + to + ",\"amount\":" + amount + "}";
    }
}
