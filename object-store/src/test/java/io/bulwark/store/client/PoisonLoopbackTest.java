package io.bulwark.store.client;

import static io.bulwark.store.service.bank.BankDefinition.ALICE;
import static io.bulwark.store.service.bank.BankDefinition.TELLER;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.bulwark.bft.config.ProtocolConfig;
import io.bulwark.bft.node.BftClient;
import io.bulwark.bft.node.ReplicaNode;
import io.bulwark.bft.sim.Workload;
import io.bulwark.bft.testkit.MiniCluster;
import io.bulwark.store.StoreDefinition;
import io.bulwark.store.codec.DeterministicCodec;
import io.bulwark.store.service.StoreService;
import io.bulwark.store.service.bank.Account;
import io.bulwark.store.service.bank.Bank;
import io.bulwark.store.service.bank.BankDefinition;
import io.bulwark.store.sim.PoisonClients;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.Locale;
import java.util.SplittableRandom;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 19 against a real group: four replicas over loopback TCP, a correct client (the teller) moving
 * money while a faulty client (alice) sends the poison requests of the issue and hostile argument
 * graphs as fast as it gets answers. The correct client keeps being served, every replica keeps
 * executing (none fails an execution), and checkpoints keep becoming stable. Prints the correct
 * client's time-to-reply before and during the attack (a figure, not a pass criterion).
 */
@Timeout(240)
class PoisonLoopbackTest {
    private static final Duration WAIT = Duration.ofSeconds(30);
    private static final int TRANSFERS = 60;

    private static StoreDefinition definition() {
        return StoreDefinition.builder().entities(Account.class).values(PoisonClients.VALUES)
                .operations(new Bank(), new PoisonClients.Ops()).accessPolicy(BankDefinition.policy()).build();
    }

    @Test
    void aCorrectClientIsServedWhileAnotherSendsPoisonRequests(@TempDir Path dir) throws Exception {
        ProtocolConfig cfg = ProtocolConfig.defaults(1).withCheckpointInterval(8, 16);
        // Replicas 0..3, clients 4..7.
        try (MiniCluster g = MiniCluster.builder(dir).protocol(cfg).clients(4).pages(256).waitLimit(WAIT)
                .service(i -> new StoreService(definition(), cfg.maxResultBytes())).build()) {
            StoreDefinition clientSide = definition();
            BftClient tellerLink = g.client(TELLER - g.n()), poisonLink = g.client(ALICE - g.n());
            StoreClient teller = new StoreClient(tellerLink, clientSide, WAIT);
            teller.invoke("open", String.class, "a1", "alice", 1_000_000L);
            teller.invoke("open", String.class, "b1", "bob", 0L);
            long[] quiet = transfers(teller, TRANSFERS);

            DeterministicCodec hostile = DeterministicCodec.builder().register(Account.class).register(PoisonClients.VALUES)
                    .maxDepth(DeterministicCodec.MAX_DEPTH_LIMIT).build();
            Workload.ClientScript poison = PoisonClients.script(clientSide.codec(), hostile, new SplittableRandom(19));
            AtomicBoolean stop = new AtomicBoolean();
            AtomicLong poisoned = new AtomicLong();
            AtomicReference<String> poisonProblem = new AtomicReference<>();
            Thread attacker = new Thread(() -> {
                while (!stop.get() && poisonProblem.get() == null) {
                    Workload.Operation op = poison.next();
                    try {
                        String bad = poison.completed(poisonLink.invoke(op.bytes(), op.readOnly(), WAIT));
                        if (bad != null) poisonProblem.set(bad);
                        poisoned.incrementAndGet();
                    } catch (Exception e) {
                        poisonProblem.set("no certified reply to a poison request: " + e);
                    }
                }
            }, "poison-client");
            attacker.start();
            long[] attacked;
            long checkpointBefore = g.replica(0).stableSeq();
            try {
                attacked = transfers(teller, TRANSFERS);
            } finally {
                stop.set(true);
                attacker.join(WAIT.toMillis());
            }
            assertNull(poisonProblem.get());
            assertTrue(poisoned.get() > 0, "poison requests were answered");
            assertEquals(1_000_000L, teller.invoke("balance", Long.class, "a1") + teller.invoke("balance", Long.class, "b1"));
            for (ReplicaNode r : g.replicas()) assertEquals(0, r.failedExecutions(), "replica " + r.id() + " failed an execution");
            assertTrue(g.replica(0).stableSeq() > checkpointBefore, "checkpoints kept becoming stable");
            System.out.printf(Locale.ROOT, "issue 19 loopback: correct client time-to-reply over %d transfers: quiet p50 %.1f ms max %.1f ms;"
                            + " with a poison client (%d poison requests answered meanwhile) p50 %.1f ms max %.1f ms%n",
                    TRANSFERS, ms(quiet, 50), ms(quiet, 100), poisoned.get(), ms(attacked, 50), ms(attacked, 100));
        }
    }

    private static long[] transfers(StoreClient teller, int count) {
        long[] nanos = new long[count];
        for (int i = 0; i < count; i++) {
            long t0 = System.nanoTime();
            teller.invoke("transfer", Long.class, "a1", "b1", 1L);
            nanos[i] = System.nanoTime() - t0;
        }
        Arrays.sort(nanos);
        return nanos;
    }

    private static double ms(long[] sorted, int percentile) {
        return sorted[Math.min(sorted.length - 1, sorted.length * percentile / 100)] / 1e6;
    }
}
