package io.bulwark.store.bench.hibernate;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.bulwark.store.bench.BankSession;
import io.bulwark.store.bench.BenchRow;
import io.bulwark.store.bench.BenchSettings;
import io.bulwark.store.bench.ClosedLoopBench;
import io.bulwark.store.bench.TransferResult;
import io.bulwark.store.bench.local.HostPackage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

class PostgresServerTest {

    @Test
    void commandLinesKeepTheServerOnLoopbackInItsOwnDirectory() {
        Path bin = Path.of("/usr/lib/postgresql/15/bin");
        assertEquals(List.of("/usr/lib/postgresql/15/bin/initdb", "-D", "/tmp/pg/data", "-U", "bench", "-A", "trust", "-E", "UTF8", "--locale=C"),
                PostgresServer.initdbCommand(bin, Path.of("/tmp/pg/data")));
        List<String> start = PostgresServer.startCommand(bin, Path.of("/tmp/pg/data"), Path.of("/tmp/pg/server.log"), 5999, Path.of("/tmp/pg"), 26,
                Duration.ofSeconds(120));
        assertEquals(List.of("/usr/lib/postgresql/15/bin/pg_ctl", "start", "-D", "/tmp/pg/data", "-l", "/tmp/pg/server.log", "-w", "-t", "120", "-o",
                "-p 5999 -c listen_addresses=127.0.0.1 -c unix_socket_directories=/tmp/pg -c max_connections=26"), start);
        // Default durability: no fsync=off, no synchronous_commit=off.
        assertFalse(String.join(" ", start).contains("fsync") || String.join(" ", start).contains("synchronous_commit"));
        assertEquals(List.of("/usr/lib/postgresql/15/bin/pg_ctl", "stop", "-D", "/tmp/pg/data", "-m", "fast", "-w", "-t", "30"),
                PostgresServer.stopCommand(bin, Path.of("/tmp/pg/data"), Duration.ofSeconds(30)));
        assertEquals(List.of("runuser", "-u", "postgres", "--", "initdb"), PostgresServer.asUser("postgres", List.of("initdb")));
        assertEquals(List.of("initdb"), PostgresServer.asUser(null, List.of("initdb")));
    }

    /** A real server, when the postgresql package is installed: the Hibernate bank on it, default durability, cleanup. */
    @Test
    @Timeout(value = 180, unit = TimeUnit.SECONDS)
    void theHibernateBankOnARealServerConservesMoneyAndTheServerIsStoppedAndRemoved() throws Exception {
        HostPackage pg = HostPackage.postgresql();
        assumeTrue(pg.present(), pg.skipMessage());
        PostgresServer server = PostgresServer.start(PostgresServer.DEFAULT_BIN, 20, Duration.ofSeconds(120));
        Path root = server.root();
        try (Connection c = DriverManager.getConnection(server.jdbcUrl(), PostgresServer.ROLE, "");
             Statement st = c.createStatement()) {
            assertEquals("on", show(st, "fsync"));
            assertEquals("on", show(st, "synchronous_commit"));
            assertEquals("127.0.0.1", show(st, "listen_addresses"));
        }
        BenchSettings settings = new BenchSettings(4, 3, 50, 40, 7, Duration.ofMillis(200), Duration.ofSeconds(1));
        try (HibernateBank bank = HibernateBank.postgresql(settings.clients(), 50, server.jdbcUrl(), PostgresServer.ROLE, server)) {
            assertEquals("hibernate-postgresql", bank.name());
            BenchRow row = ClosedLoopBench.run(bank, settings);
            assertEquals(0, row.failed(), () -> "failures, first: " + row.firstFailure());
            assertTrue(row.applied() > 0, "some transfers applied");
            assertEquals(150, row.moneyAfter());
            assertTrue(row.conserved());
            // The overdraft path on this database: validation refuses it and nothing changes.
            BankSession s = bank.session(0);
            long before = bank.balance(1);
            assertEquals(TransferResult.REFUSED, s.transfer(1, 2, before + 1));
            assertEquals(before, bank.balance(1));
        }
        assertFalse(Files.exists(root), "data directory removed");
        assertFalse(server.jdbcUrl().isEmpty());
    }

    private static String show(Statement st, String setting) throws Exception {
        try (ResultSet r = st.executeQuery("show " + setting)) {
            assertTrue(r.next());
            return r.getString(1);
        }
    }
}
