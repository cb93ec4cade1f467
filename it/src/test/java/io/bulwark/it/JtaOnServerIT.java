package io.bulwark.it;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.File;
import java.net.URI;
import java.net.URL;
import org.jboss.arquillian.container.test.api.Deployment;
import org.jboss.arquillian.container.test.api.RunAsClient;
import org.jboss.arquillian.junit5.ArquillianExtension;
import org.jboss.arquillian.test.api.ArquillianResource;
import org.jboss.shrinkwrap.api.ShrinkWrap;
import org.jboss.shrinkwrap.api.importer.ZipImporter;
import org.jboss.shrinkwrap.api.spec.WebArchive;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The store in the server's JTA transactions: the sample bank's journaled transfer ({@code api/journal/transfers})
 * writes a row to the server's default data source (WildFly's ExampleDS, Payara's jdbc/__default) and moves money
 * on the four replica-host processes in one transaction; both commit, or, when the application fails after both
 * writes or the replicas refuse the transfer, neither.
 */
@ExtendWith(ArquillianExtension.class)
@RunAsClient
class JtaOnServerIT {
    private static BankGroup group;

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
        URI base = new URI("http", null, "127.0.0.1", deployed.getPort(), deployed.getPath(), null, null);
        return new Http(base, user, user);
    }

    @Test
    void aTransferAndADatabaseRowCommitTogetherOrNotAtAll() throws Exception {
        Http teller = as("teller"), alice = as("alice");
        long a = teller.post("api/accounts", "{\"owner\":\"alice\",\"name\":\"jta\"}").number("id");
        long b = teller.post("api/accounts", "{\"owner\":\"bob\",\"name\":\"jta\"}").number("id");
        assertEquals(200, teller.post("api/accounts/" + a + "/deposits", "{\"amount\":1000}").status());

        Http.Reply ok = alice.post("api/journal/transfers", journaled(a, b, 100, "jta-commit", false));
        assertEquals(200, ok.status(), ok.toString());
        assertEquals(900, alice.get("api/accounts/" + a).number("balance"));
        assertEquals(1, alice.get("api/journal?note=jta-commit").number("count"), "the row committed with the transfer");

        Http.Reply failed = alice.post("api/journal/transfers", journaled(a, b, 100, "jta-app-fails", true));
        assertEquals(409, failed.status(), failed.toString());
        assertEquals(900, alice.get("api/accounts/" + a).number("balance"), "the transfer rolled back with the application's failure");
        assertEquals(0, alice.get("api/journal?note=jta-app-fails").number("count"), "and the row");

        Http.Reply refused = alice.post("api/journal/transfers", journaled(a, b, 5_000, "jta-overdraft", false));
        assertEquals(422, refused.status(), "the replicas refuse the overdraft: " + refused);
        assertEquals(0, alice.get("api/journal?note=jta-overdraft").number("count"), "the row rolled back with the refused transfer");
        assertEquals(900, alice.get("api/accounts/" + a).number("balance"));
        assertEquals(100, alice.get("api/accounts/" + b).number("balance"));

        Http.Reply audit = teller.get("api/audit");
        assertEquals(audit.number("deposits"), audit.number("sumOfAccounts"), audit.toString());
    }

    private static String journaled(long from, long to, long amount, String note, boolean failAfter) {
        return "{\"from\":" + from + ",\"to\":" + to + ",\"amount\":" + amount + ",\"note\":\"" + note + "\",\"failAfter\":" + failAfter + "}";
    }
}
