package io.bulwark.store.bench.etcd;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.bulwark.store.bench.BankScenario;
import io.bulwark.store.bench.BankSession;
import io.bulwark.store.bench.BenchRow;
import io.bulwark.store.bench.BenchSettings;
import io.bulwark.store.bench.ClosedLoopBench;
import io.bulwark.store.bench.TransferResult;
import io.bulwark.store.bench.local.HostPackage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

class EtcdBankTest {

    @Test
    void eachMemberGetsItsOwnPortsAndDirectoryAndTheWholeClusterList() {
        Path etcd = Path.of("/usr/bin/etcd");
        List<EtcdCluster.Member> ms = List.of(
                new EtcdCluster.Member("m0", 4001, 4002, Path.of("/tmp/x/m0")),
                new EtcdCluster.Member("m1", 4003, 4004, Path.of("/tmp/x/m1")),
                new EtcdCluster.Member("m2", 4005, 4006, Path.of("/tmp/x/m2")));
        List<String> c = EtcdCluster.commandLine(etcd, ms.get(1), ms, "tok");
        assertEquals("/usr/bin/etcd", c.get(0));
        assertEquals("m1", after(c, "--name"));
        assertEquals("/tmp/x/m1", after(c, "--data-dir"));
        assertEquals("http://127.0.0.1:4003", after(c, "--listen-client-urls"));
        assertEquals("http://127.0.0.1:4003", after(c, "--advertise-client-urls"));
        assertEquals("http://127.0.0.1:4004", after(c, "--listen-peer-urls"));
        assertEquals("http://127.0.0.1:4004", after(c, "--initial-advertise-peer-urls"));
        assertEquals("m0=http://127.0.0.1:4002,m1=http://127.0.0.1:4004,m2=http://127.0.0.1:4006", after(c, "--initial-cluster"));
        assertEquals("new", after(c, "--initial-cluster-state"));
        assertEquals("tok", after(c, "--initial-cluster-token"));
        // Default durability: nothing that turns off etcd's WAL fsync (--unsafe-no-fsync) and loopback only.
        assertFalse(c.stream().anyMatch(a -> a.contains("unsafe")), c::toString);
        assertFalse(c.stream().anyMatch(a -> a.contains("0.0.0.0") || a.contains("localhost")), c::toString);
    }

    @Test
    void keysSortInAccountOrderAndAStoredBalanceMustBeANumber() {
        assertEquals("bank/account/00000042", EtcdBank.key(42).toString());
        assertTrue(EtcdBank.key(9).toString().compareTo(EtcdBank.key(10).toString()) < 0);
        assertEquals("-5", EtcdBank.value(-5).toString());
        assertEquals("bank/transfer/003/000000000042", EtcdBank.historyKey(3, 42).toString());
        assertThrows(IllegalArgumentException.class, () -> new EtcdBank(List.of(), 10, Duration.ofSeconds(1), null));
        assertThrows(IllegalArgumentException.class, () -> new EtcdBank(List.of("http://127.0.0.1:1"), 10, Duration.ZERO, null));
        assertThrows(IllegalArgumentException.class, () -> new EtcdBank(List.of("http://127.0.0.1:1"), 0, Duration.ofSeconds(1), null));
    }

    private static String after(List<String> c, String flag) {
        int i = c.indexOf(flag);
        assertTrue(i >= 0 && i + 1 < c.size(), flag + " in " + c);
        return c.get(i + 1);
    }

    /** A real 3-member cluster, when the etcd-server package is installed: transfers, refusals, conflicts, cleanup. */
    @Test
    @Timeout(value = 120, unit = TimeUnit.SECONDS)
    void onARealClusterTransfersConserveMoneyAndEverythingIsStoppedAndRemoved() throws Exception {
        HostPackage etcd = HostPackage.etcd();
        assumeTrue(etcd.present(), etcd.skipMessage());
        EtcdCluster cluster = EtcdCluster.start(etcd.programs().get(0), Duration.ofSeconds(60));
        Path root = cluster.root();
        List<Process> processes = cluster.processes();
        assertEquals(3, processes.size());
        try (EtcdBank bank = new EtcdBank(cluster.endpoints(), 4, Duration.ofSeconds(30), cluster)) {
            // 71 would take account 1 to -1: refused, and neither side changes.
            BankSession s = BankScenario.transfersAndARefusedOverdraft(bank, bank::balance);
            assertThrows(IllegalStateException.class, () -> s.transfer(1, 4, 1), "no account 4");
            assertEquals(300, bank.totalBalance());
            assertEquals(2, bank.historyEntries(), "one entry per applied transfer");
            for (int i = 0; i < 10; i++) assertEquals(TransferResult.APPLIED, s.transfer(2 + i % 2, 3 - i % 2, 1));
            assertEquals(4, bank.historyEntries(), "the newest 4 kept, as the bank keeps its newest");
        }
        for (Process p : processes) assertFalse(p.isAlive(), "member stopped");
        assertFalse(Files.exists(root), "data directories removed");
    }

    @Test
    @Timeout(value = 120, unit = TimeUnit.SECONDS)
    void concurrentClientsOnFewAccountsRetryFailedComparisonsAndConserveMoney() throws Exception {
        HostPackage etcd = HostPackage.etcd();
        assumeTrue(etcd.present(), etcd.skipMessage());
        // Few accounts and several clients: failed comparisons (retried) are certain; the total must not move.
        BenchSettings settings = new BenchSettings(4, 3, 50, 40, 7, Duration.ofMillis(200), Duration.ofSeconds(2));
        EtcdCluster cluster = EtcdCluster.start(etcd.programs().get(0), Duration.ofSeconds(60));
        try (EtcdBank bank = new EtcdBank(cluster.endpoints(), 50, Duration.ofSeconds(30), cluster)) {
            BenchRow row = ClosedLoopBench.run(bank, settings);
            assertEquals(0, row.failed(), () -> "failures, first: " + row.firstFailure());
            assertTrue(row.applied() > 0, "some transfers applied");
            assertTrue(row.retried() > 0, "some comparisons failed and were retried");
            assertEquals(150, row.moneyAfter());
            assertTrue(row.conserved());
        }
    }
}
