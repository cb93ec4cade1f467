package io.bulwark.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.File;
import java.io.IOException;
import java.net.URI;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import java.util.stream.Stream;
import org.jboss.arquillian.container.test.api.Deployment;
import org.jboss.arquillian.container.test.api.RunAsClient;
import org.jboss.arquillian.junit5.ArquillianExtension;
import org.jboss.arquillian.test.api.ArquillianResource;
import org.jboss.shrinkwrap.api.ShrinkWrap;
import org.jboss.shrinkwrap.api.importer.ZipImporter;
import org.jboss.shrinkwrap.api.spec.WebArchive;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.openqa.selenium.By;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.StaleElementReferenceException;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * The bank's page in a real browser: headless Chromium (the system's, Debian packages {@code chromium} and
 * {@code chromium-driver}; skipped when either is missing) driven by Selenium against the WAR on the server and
 * four replica-host processes. It loads the page as alice, makes a transfer through the form, reads the
 * result on screen, then {@code kill -9}s a replica and waits, without reloading, for the page's own polling of
 * the group to show it unreachable, and makes one more transfer. Screenshots of each step go to
 * {@code it.screenshots} ({@code it/target/screenshots/}). Runs on WildFly only (the page is the same WAR's
 * on both servers).
 */
@ExtendWith(ArquillianExtension.class)
@RunAsClient
class BankPageBrowserIT {
    private static final Duration WAIT = Duration.ofSeconds(120);   // a deadline for conditions, never a pass/fail time
    private static BankGroup group;
    private static ChromeDriver browser;

    @ArquillianResource
    private URL deployed;

    @Deployment(testable = false)
    static WebArchive war() {
        return ShrinkWrap.create(ZipImporter.class, "bank.war").importFrom(new File(BankGroup.required("it.deps"), "bank.war")).as(WebArchive.class);
    }

    @AfterAll
    static void stop() {
        try {
            if (browser != null) browser.quit();
        } finally {
            if (group != null) group.close();
        }
    }

    /**
     * Skips the test, naming the Debian package, when Chromium or its driver is missing (an assumption in the test,
     * not in {@code @BeforeAll}: the reports then count it as skipped, with the message).
     */
    private static void startReplicasAndBrowser() throws Exception {
        Path chromium = onPath("chromium").orElse(null);
        assumeTrue(chromium != null, "Debian package chromium is missing (no chromium on the PATH): "
                + "apt-get install chromium chromium-driver (.ci/run does); browser test skipped");
        Path chromedriver = onPath("chromedriver").orElse(null);
        assumeTrue(chromedriver != null, "Debian package chromium-driver is missing (no chromedriver on the PATH): "
                + "apt-get install chromium-driver (.ci/run does); browser test skipped");
        group = BankGroup.start();
        Path shots = screenshots();
        Files.createDirectories(shots);
        ChromeDriverService service = new ChromeDriverService.Builder().usingDriverExecutable(chromedriver.toFile()).usingAnyFreePort()
                .withLogFile(shots.resolve("chromedriver.log").toFile()).build();
        ChromeOptions options = new ChromeOptions();
        options.setBinary(chromium.toFile());
        // --no-sandbox: CI runs as root, where Chromium's sandbox refuses to start.
        options.addArguments("--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--disable-gpu", "--window-size=1280,1500",
                "--user-data-dir=" + shots.resolveSibling("chromium-profile"));
        browser = new ChromeDriver(service, options);
    }

    @Test
    void transferThroughThePageThenAKilledReplicaShowsUnreachable() throws Exception {
        startReplicasAndBrowser();
        URI base = new URI("http", null, "127.0.0.1", deployed.getPort(), deployed.getPath(), null, null);
        Http teller = new Http(base, "teller", "teller"), alice = new Http(base, "alice", "alice");
        long a = teller.post("api/accounts", "{\"owner\":\"alice\",\"name\":\"checking\"}").number("id");
        long b = teller.post("api/accounts", "{\"owner\":\"bob\",\"name\":\"savings\"}").number("id");
        assertEquals(10_000, teller.post("api/accounts/" + a + "/deposits", "{\"amount\":10000}").number("balance"));

        // The browser logs in as alice: HTTP Basic on every request, as a browser sends it once the user answered its prompt.
        String basic = "Basic " + Base64.getEncoder().encodeToString("alice:alice".getBytes(StandardCharsets.UTF_8));
        browser.executeCdpCommand("Network.enable", Map.of());
        browser.executeCdpCommand("Network.setExtraHTTPHeaders", Map.of("headers", Map.of("Authorization", basic)));
        try {
            browser.get(base.toString());
            await("alice logged in", d -> text("me").startsWith("alice "));
            await("alice's account on the page", d -> "100.00".equals(cell("accounts", a, 3)));
            await("the group's four replicas reachable", d -> text("group-summary").contains("4 of 4 replicas reachable"));
            // Each replica's own STATUS-REPORT on the page: its state (a new group's replicas count as recovering until a
            // stable checkpoint reaches their estimated H_M, section 4.4) and its last stable checkpoint.
            await("each replica's own status", d -> java.util.stream.IntStream.range(0, 4)
                    .allMatch(r -> java.util.Set.of("normal", "recovering").contains(cell("replicas", r, 4)) && "0".equals(cell("replicas", r, 6))));
            shot("1-page-loaded");

            transfer("25.00", a, b);
            await("the transfer's confirmation", d -> text("message").matches("transfer \\d+: 25\\.00 from " + a + " to " + b));
            assertEquals("ok", browser.findElement(By.id("message")).getAttribute("class"));
            await("the balances after the transfer", d -> "75.00".equals(cell("accounts", a, 3)) && "25.00".equals(cell("accounts", b, 3)));
            await("the audit balanced", d -> text("audit").endsWith("— balanced"));
            List<String> newest = row("transfers", 0);
            assertEquals(List.of("TRANSFER", "" + a, "" + b, "25.00", "alice"), newest.subList(1, 6), "the newest transfer on screen");
            assertEquals(7_500, alice.get("api/accounts/" + a).number("balance"), "what the page shows is what the replicas hold");
            shot("2-after-transfer");

            // The account's history, the bank's statement (one read with the balance): the transfer, then the deposit.
            cellElement("accounts", a, 4).findElement(By.tagName("button")).click();
            await("alice's account history on the page", d -> text("history-account").equals("" + a)
                    && browser.findElements(By.cssSelector("#history tbody tr")).size() == 2);
            assertEquals(List.of("TRANSFER", "" + a, "" + b, "25.00", "alice"), row("history", 0).subList(1, 6), "newest first");
            assertEquals(List.of("DEPOSIT", "—", "" + a, "100.00", "teller"), row("history", 1).subList(1, 6));
            shot("2b-history");

            // kill -9 a backup; the page polls the group every 3 s: no reload.
            Http.Reply g = teller.get("api/group");
            int victim = (int) ((g.number("primary") + 1) % 4);
            group.kill(victim);
            await("replica " + victim + " shown unreachable", d -> "NO".equals(cell("replicas", victim, 2))
                    && text("group-summary").contains("3 of 4 replicas reachable"));
            assertEquals("down", cellElement("replicas", victim, 2).getAttribute("class"));
            // A dead replica reports nothing (a refresh under way at the kill may still show its last report: wait).
            await("replica " + victim + "'s status gone", d -> "–".equals(cell("replicas", victim, 4)));
            shot("3-replica-" + victim + "-killed");

            transfer("5.00", a, b);
            await("the second transfer's confirmation", d -> text("message").matches("transfer \\d+: 5\\.00 from " + a + " to " + b));
            await("a transfer with a replica down", d -> "70.00".equals(cell("accounts", a, 3)) && "30.00".equals(cell("accounts", b, 3)));
            assertEquals("ok", browser.findElement(By.id("message")).getAttribute("class"), text("message"));
            await("the audit balanced", d -> text("audit").endsWith("— balanced"));
            shot("4-transfer-with-a-replica-down");
        } catch (Throwable t) {
            shot("failure");
            throw t;
        }
    }

    /** Fills the page's transfer form and submits it, as a user would. */
    private static void transfer(String amount, long from, long to) {
        type("amount", amount);
        type("from", "" + from);
        type("to", "" + to);
        browser.findElement(By.id("transfer")).click();
    }

    private static void type(String id, String value) {
        WebElement e = browser.findElement(By.id(id));
        e.clear();
        e.sendKeys(value);
    }

    private static String text(String id) { return browser.findElement(By.id(id)).getText(); }

    /** The text of column {@code column} in the row of table {@code table} whose first cell is {@code key}; null if no such row. */
    private static String cell(String table, long key, int column) {
        WebElement e = cellElement(table, key, column);
        return e == null ? null : e.getText();
    }

    private static WebElement cellElement(String table, long key, int column) {
        for (WebElement tr : browser.findElements(By.cssSelector("#" + table + " tbody tr"))) {
            List<WebElement> tds = tr.findElements(By.tagName("td"));
            if (tds.size() > column && tds.get(0).getText().equals("" + key)) return tds.get(column);
        }
        return null;
    }

    private static List<String> row(String table, int index) {
        List<WebElement> rows = browser.findElements(By.cssSelector("#" + table + " tbody tr"));
        assertTrue(rows.size() > index, "table " + table + " has " + rows.size() + " rows");
        return rows.get(index).findElements(By.tagName("td")).stream().map(WebElement::getText).toList();
    }

    /** Waits for {@code condition} (the page rebuilds its tables on each refresh: a stale element is retried). */
    private static void await(String what, Function<WebDriver, Boolean> condition) {
        new WebDriverWait(browser, WAIT).withMessage(what).ignoring(StaleElementReferenceException.class).until(condition);
    }

    private static void shot(String name) throws IOException {
        if (browser == null) return;
        File png = browser.getScreenshotAs(OutputType.FILE);
        Files.copy(png.toPath(), screenshots().resolve(System.getProperty("arquillian.launch", "server") + "-" + name + ".png"),
                StandardCopyOption.REPLACE_EXISTING);
    }

    private static Path screenshots() { return Path.of(BankGroup.required("it.screenshots")); }

    private static Optional<Path> onPath(String program) {
        String path = System.getenv().getOrDefault("PATH", "");
        return Stream.of(path.split(File.pathSeparator)).filter(d -> !d.isEmpty()).map(d -> Path.of(d, program))
                .filter(Files::isExecutable).findFirst();
    }
}
