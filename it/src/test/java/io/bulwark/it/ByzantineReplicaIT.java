package io.bulwark.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
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
 * The bank against a group whose primary is Byzantine: replica 0 runs with the test-only fault switch
 * {@code --adversary wrong-results} (it orders requests correctly but forges the result in every reply it
 * sends, MAC'd with its own keys). The web tier's clients still get the right answers (f+1 matching replies,
 * 2f+1 for reads) and the invariants hold.
 */
@ExtendWith(ArquillianExtension.class)
@RunAsClient
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ByzantineReplicaIT {
    private static final int LIAR = 0;
    private static BankGroup group;

    @ArquillianResource
    private URL deployed;

    @Deployment(testable = false)
    static WebArchive war() {
        return ShrinkWrap.create(ZipImporter.class, "bank.war").importFrom(new File(BankGroup.required("it.deps"), "bank.war")).as(WebArchive.class);
    }

    @BeforeAll
    static void startReplicas() throws Exception {
        group = BankGroup.start(Map.of(LIAR, "wrong-results"));
    }

    @AfterAll
    static void stopReplicas() {
        if (group != null) group.close();
    }

    private Http as(String user) throws Exception {
        return new Http(new URI("http", null, "127.0.0.1", deployed.getPort(), deployed.getPath(), null, null), user, user);
    }

    @Test @Order(1)
    void correctAnswersAndInvariantsDespiteALyingPrimary() throws Exception {
        Http teller = as("teller"), alice = as("alice"), bob = as("bob");
        assertTrue(Files.readString(group.replicas.log(LIAR)).contains("ADVERSARY wrong-results"), "the fault switch is on");
        long a = teller.post("api/accounts", "{\"owner\":\"alice\",\"name\":\"checking\"}").number("id");
        long b = teller.post("api/accounts", "{\"owner\":\"bob\",\"name\":\"savings\"}").number("id");
        assertEquals(1_000, teller.post("api/accounts/" + a + "/deposits", "{\"amount\":1000}").number("balance"));
        for (int i = 1; i <= 5; i++) {
            Http.Reply t = alice.post("api/transfers", "{\"from\":" + a + ",\"to\":" + b + ",\"amount\":" + (10 * i) + "}");
            assertEquals(200, t.status(), t.toString());
            assertEquals(10 * i, t.number("amount"), "the certified result, not the liar's: " + t);
        }
        assertEquals(850, alice.get("api/accounts/" + a).number("balance"));
        assertEquals(150, bob.get("api/accounts/" + b).number("balance"));
        assertEquals(6, alice.get("api/accounts/" + a + "/history").all("amount").size());
        assertEquals(422, alice.post("api/transfers", "{\"from\":" + a + ",\"to\":" + b + ",\"amount\":851}").status(), "still no overdraft");
        assertEquals(403, bob.post("api/transfers", "{\"from\":" + a + ",\"to\":" + b + ",\"amount\":1}").status(), "still only the owner");
        Http.Reply audit = teller.get("api/audit");
        assertEquals(1_000, audit.number("deposits"), audit.toString());
        assertEquals(1_000, audit.number("sumOfAccounts"), audit.toString());
        assertEquals(1_000, audit.number("ledgerBalances"), audit.toString());
    }

    @Test @Order(2)
    void theLiarDidLie() throws Exception {
        group.close();   // its exit line says what it did
        String log = Files.readString(group.replicas.log(LIAR));
        Matcher m = Pattern.compile("adversary at exit: wrong-results \\((\\d+) replies forged\\)").matcher(log);
        assertTrue(m.find(), "no exit line in replica " + LIAR + "'s log:\n" + group.replicas.logTail(LIAR));
        assertTrue(Long.parseLong(m.group(1)) > 0, m.group());
    }
}
