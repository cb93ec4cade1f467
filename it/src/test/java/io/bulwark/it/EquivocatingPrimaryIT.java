package io.bulwark.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.File;
import java.net.URI;
import java.net.URL;
import java.nio.file.Files;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
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
 * The bank against a group whose primary of view 0 equivocates: replica 0 runs with the test-only fault switch
 * {@code --adversary equivocating-primary} (for each sequence number one backup in turn gets a different
 * PRE-PREPARE, backed by the primary's own COMMIT). The variant never prepares (section 4.2); the backups it
 * leaves behind suspect the primary and change views (section 4.5). The web tier's clients get the right
 * answers throughout, the bank's total changes only by deposits, and the group goes on in a later view under
 * a correct primary. Runs on WildFly only (the pom's payara execution leaves it out): what it checks is the
 * replica group's, and the server-side client is the same on both servers.
 */
@ExtendWith(ArquillianExtension.class)
@RunAsClient
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class EquivocatingPrimaryIT {
    private static final int TWO_FACED = 0;   // the primary of view 0
    private static BankGroup group;

    @ArquillianResource
    private URL deployed;

    @Deployment(testable = false)
    static WebArchive war() {
        return ShrinkWrap.create(ZipImporter.class, "bank.war").importFrom(new File(BankGroup.required("it.deps"), "bank.war")).as(WebArchive.class);
    }

    @BeforeAll
    static void startReplicas() throws Exception {
        group = BankGroup.start(Map.of(TWO_FACED, "equivocating-primary"));
    }

    @AfterAll
    static void stopReplicas() {
        if (group != null) group.close();
    }

    private Http as(String user) throws Exception {
        return new Http(new URI("http", null, "127.0.0.1", deployed.getPort(), deployed.getPath(), null, null), user, user);
    }

    @Test @Order(1)
    void correctAnswersAndInvariantsWhileThePrimaryEquivocatesAndTheGroupMovesOn() throws Exception {
        Http teller = as("teller"), alice = as("alice"), bob = as("bob");
        assertTrue(Files.readString(group.replicas.log(TWO_FACED)).contains("ADVERSARY equivocating-primary"), "the fault switch is on");
        long a = teller.post("api/accounts", "{\"owner\":\"alice\",\"name\":\"checking\"}").number("id");
        long b = teller.post("api/accounts", "{\"owner\":\"bob\",\"name\":\"savings\"}").number("id");
        assertEquals(1_000, teller.post("api/accounts/" + a + "/deposits", "{\"amount\":1000}").number("balance"));
        for (int i = 1; i <= 6; i++) {
            Http.Reply t = alice.post("api/transfers", "{\"from\":" + a + ",\"to\":" + b + ",\"amount\":" + (10 * i) + "}");
            assertEquals(200, t.status(), "transfer " + i + ": " + t);
            assertEquals(10 * i, t.number("amount"), "the certified result: " + t);
        }
        assertEquals(790, alice.get("api/accounts/" + a).number("balance"));
        assertEquals(210, bob.get("api/accounts/" + b).number("balance"));
        assertEquals(7, alice.get("api/accounts/" + a + "/history").all("amount").size(), "one deposit, six transfers, each once");
        assertEquals(422, alice.post("api/transfers", "{\"from\":" + a + ",\"to\":" + b + ",\"amount\":791}").status(), "still no overdraft");
        Http.Reply audit = teller.get("api/audit");
        assertEquals(1_000, audit.number("deposits"), audit.toString());
        assertEquals(1_000, audit.number("sumOfAccounts"), audit.toString());
        assertEquals(1_000, audit.number("ledgerBalances"), audit.toString());

        // The group moved on: the server's last reply certificate is from a later view, under another primary.
        Http.Reply g = teller.get("api/group");
        assertTrue(g.number("view") >= 1, "a later view: " + g);
        assertNotEquals(TWO_FACED, (int) g.number("primary"), g.toString());
        assertFalse(g.body().contains("\"reachable\":false"), "nobody was killed: " + g);
        for (int id = 1; id < 4; id++) {
            String log = Files.readString(group.replicas.log(id));
            assertTrue(Pattern.compile("view change 0 -> \\d+").matcher(log).find(), "replica " + id + " left view 0:\n" + group.replicas.logTail(id));
        }
    }

    @Test @Order(2)
    void itDidEquivocate() throws Exception {
        group.close();   // its exit line says what it did
        String log = Files.readString(group.replicas.log(TWO_FACED));
        Matcher m = Pattern.compile("adversary at exit: equivocating-primary \\((\\d+) pre-prepares equivocated\\)").matcher(log);
        assertTrue(m.find(), "no exit line in replica " + TWO_FACED + "'s log:\n" + group.replicas.logTail(TWO_FACED));
        assertTrue(Long.parseLong(m.group(1)) > 0, m.group());
    }
}
