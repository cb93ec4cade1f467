package io.bulwark.bft.core;

import static io.bulwark.bft.core.ScriptedGroup.from;
import static io.bulwark.bft.core.ScriptedGroup.to;
import static io.bulwark.bft.core.ScriptedGroup.type;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import io.bulwark.bft.msg.Commit;
import io.bulwark.bft.msg.PrePrepare;
import io.bulwark.bft.msg.Prepare;
import io.bulwark.bft.msg.Reply;
import io.bulwark.bft.msg.Request;
import io.bulwark.bft.msg.Status;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Issue 17: a read-only request that starts after a write completed must not return the state
 * before it. Replicas 0..2f are correct (0 the primary), 2f+1..3f are faulty.
 * <ol>
 * <li>Client A's write W: the primary pre-prepares it to replicas 1..f and the faulty ones; those
 *     prepare, everyone's COMMIT reaches the primary, which executes W and replies; the faulty
 *     replicas reply with the correct result too: A has f+1 matching replies, W is complete.
 * <li>Replicas 1..f prepared W (and sent COMMITs) but committed nothing; replicas f+1..2f have not
 *     seen W at all.
 * <li>Client B, after A's call returned, reads read-only; the faulty replicas answer the old value
 *     on purpose. f + f + f = 3f ≥ 2f+1 old values if replicas 1..f answer; 2f without them.
 * </ol>
 * The rule that closes it (Replica.readsMayRun): a replica answers a read-only request only once it
 * has executed everything it has prepared.
 */
class StaleReadTest {

    @ParameterizedTest(name = "f = {0}")
    @ValueSource(ints = {1, 2})
    void aReadAfterACompletedWriteNeverReturnsTheStateBeforeIt(int f) {
        int n = 3 * f + 1;
        int[] faulty = new int[f];
        for (int k = 0; k < f; k++) faulty[k] = 2 * f + 1 + k;
        ScriptedGroup g = new ScriptedGroup(f, faulty);
        int clientA = n, clientB = n + 1;
        ClientCore a = new ClientCore(clientA, g.cfg, 0);
        ClientCore b = new ClientCore(clientB, g.cfg, 0);

        // 1. W goes to the primary only (the copies to the backups are delayed).
        a.invoke(g.now, "wW".getBytes(StandardCharsets.UTF_8), false);
        Request w = clientRequest(a);
        g.send(clientA, 0, w);
        g.deliver(from(clientA));
        PrePrepare pp = (PrePrepare) g.inFlight.stream().filter(type(PrePrepare.class)).findFirst().orElseThrow().message();
        // The pre-prepare reaches replicas 1..f (the faulty ones see it too); f+1..2f see nothing.
        g.deliver(type(PrePrepare.class).and(e -> e.to() >= 1 && e.to() <= f));
        g.drop(type(PrePrepare.class));
        for (int x : faulty) g.multicast(x, new Prepare(0, pp.seq(), pp.digest(), x));
        // Prepares among 0..f and from the faulty replicas: 0 and 1..f prepare W.
        g.deliver(type(Prepare.class).and(e -> e.to() <= f));
        for (int x : faulty) g.send(x, 0, new Commit(0, pp.seq(), pp.digest(), x));
        // The COMMITs reach the primary only.
        g.deliver(type(Commit.class).and(to(0)));
        assertEquals("W", g.register(0), "the primary executed W");
        for (int i = 1; i <= 2 * f; i++) assertEquals("", g.register(i), "replica " + i + " has not executed W");
        // A gets the primary's reply and the faulty replicas' matching ones.
        deliverReplies(g, a, clientA);
        for (int x : faulty) a.receive(g.now, x, new Reply(0, w.timestamp(), clientA, x, false, false, "W".getBytes(StandardCharsets.UTF_8)));
        assertEquals(List.of("W"), completions(a), "W is complete with f+1 matching replies");

        // 3. B reads, after W completed; the faulty replicas answer from the state before W.
        b.invoke(g.now, "r".getBytes(StandardCharsets.UTF_8), true);
        Request read = clientRequest(b);
        g.multicast(clientB, read);
        g.deliver(from(clientB));
        for (int x : faulty) b.receive(g.now, x, new Reply(0, read.timestamp(), clientB, x, true, false, new byte[0]));
        deliverReplies(g, b, clientB);
        List<String> got = new ArrayList<>();
        pump(g, b, clientB, got);
        assertEquals(List.of(), got, "B's read completed with the state before the completed write W");

        // Healed (the faulty replicas now silent): the read completes with W — from 2f+1 replicas
        // that executed W, or ordered after the client falls back.
        for (int round = 0; round < 8 && got.isEmpty(); round++) {
            g.drop(type(Status.class));
            for (int i = 0; i <= 2 * f; i++) g.fire(i, TimerKind.STATUS);
            g.deliver(e -> true);
            deliverReplies(g, b, clientB);
            pump(g, b, clientB, got);
            if (got.isEmpty() && round == 4) {
                b.timeout(g.now, TimerKind.CLIENT_RETRANSMIT);
                pump(g, b, clientB, got);
            }
        }
        assertEquals(List.of("W"), got, "the read returns the completed write");
        assertNull(g.divergence());
    }

    /** Performs the client's actions: requests go in flight, completions are collected. */
    private static void pump(ScriptedGroup g, ClientCore c, int client, List<String> completed) {
        for (Action x : c.ready()) {
            if (x instanceof Action.Multicast m) g.multicast(client, m.message());
            else if (x instanceof ClientAction.Complete done) completed.add(shown(done.result()));
        }
    }

    /** A result as the assertions show it: the register's value, or "<empty>" for the state before any write. */
    private static String shown(byte[] result) {
        return result.length == 0 ? "<empty>" : new String(result, StandardCharsets.UTF_8);
    }

    private static Request clientRequest(ClientCore c) {
        for (Action x : c.ready()) if (x instanceof Action.Multicast m && m.message() instanceof Request r) return r;
        throw new AssertionError("the client sent no request");
    }

    /** Hands the replies the correct replicas sent to this client to its core. */
    private static void deliverReplies(ScriptedGroup g, ClientCore c, int client) {
        List<ScriptedGroup.Envelope> mine = new ArrayList<>();
        for (ScriptedGroup.Envelope e : g.toClients) if (e.to() == client) mine.add(e);
        g.toClients.removeAll(mine);
        for (ScriptedGroup.Envelope e : mine) c.receive(g.now, e.from(), e.message());
    }

    /** The results the client completed with since the last call (its other actions are kept for the caller). */
    private static List<String> completions(ClientCore c) {
        List<String> out = new ArrayList<>();
        for (Action x : c.ready()) if (x instanceof ClientAction.Complete done) out.add(shown(done.result()));
        return out;
    }
}
