package io.bulwark.store.service;

import static io.bulwark.store.service.bank.BankDefinition.ALICE;
import static io.bulwark.store.service.bank.BankDefinition.BOB;
import static io.bulwark.store.service.bank.BankDefinition.TELLER;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.bulwark.bft.crypto.Digest;
import io.bulwark.store.BadRequestException;
import io.bulwark.store.EntityLockedException;
import io.bulwark.store.StoreDefinition;
import io.bulwark.store.StoreException;
import io.bulwark.store.XaBranchException;
import io.bulwark.store.service.bank.Account;
import io.bulwark.store.service.bank.Bank;
import io.bulwark.store.service.bank.BankDefinition;
import io.bulwark.store.service.bank.Vault;
import io.bulwark.store.xa.BranchXid;
import io.bulwark.store.xa.XaLimits;
import io.bulwark.store.xa.XaVerbs;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import javax.transaction.xa.XAException;
import javax.transaction.xa.XAResource;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The replicas' side of XA through StoreService in-process, as the engine drives it (authenticated client
 * ids, agreed time): calls inside a branch, prepare by re-execution, locks, commit, rollback, the
 * agreed-time heuristic rollback, the bounds, hostile Xids and replayed verbs.
 */
class XaBranchTest {
    private static final long T0 = 1_750_000_000_000L;
    private static final Duration BOUND = Duration.ofMinutes(1);
    private static final XaLimits LIMITS = new XaLimits(4, 2, 8, BOUND);
    private ServiceHarness r;
    private long t;

    @BeforeEach
    void openAccounts() {
        r = new ServiceHarness(definition());
        t = T0;
        assertEquals("a1", r.call(TELLER, t++, String.class, "open", "a1", "alice", 100L));
        assertEquals("b1", r.call(TELLER, t++, String.class, "open", "b1", "bob", 50L));
    }

    private static StoreDefinition definition() {
        return StoreDefinition.builder().entities(Account.class).operations(new Bank(), new Vault())
                .accessPolicy(BankDefinition.policy()).xaLimits(LIMITS).build();
    }

    private static BranchXid xid(String g) { return new BranchXid(4711, g.getBytes(StandardCharsets.US_ASCII), new byte[] {1}); }

    private <T> T in(int client, BranchXid x, Class<T> type, String op, Object... args) {
        return r.result(r.ordered(client, t++, r.request(XaVerbs.CALL, x.encode(), r.request(op, args))), type);
    }

    private byte[] verb(int client, String verb, BranchXid x) {
        return r.ordered(client, t++, r.request(verb, x.encode()));
    }

    private int prepare(int client, BranchXid x) { return r.result(verb(client, XaVerbs.PREPARE, x), Integer.class); }

    private void commit(int client, BranchXid x) { r.result(verb(client, XaVerbs.COMMIT, x), Void.class); }

    private static int code(byte[] reply) {
        return assertInstanceOf(XaBranchException.class, ServiceHarness.failure(reply)).errorCode();
    }

    private long balance(String account) { return r.callReadOnly(TELLER, Long.class, "balance", account); }

    private List<BranchXid> recover(int client) throws XAException {
        return XaVerbs.decodeXids(r.result(r.ordered(client, t++, r.request(XaVerbs.RECOVER)), byte[].class));
    }

    @Test
    void callsSeeTheBranchsOwnWritesAndTakeEffectOnlyAtCommit() throws XAException {
        BranchXid x = xid("g1");
        assertEquals(70L, in(ALICE, x, Long.class, "transfer", "a1", "b1", 30L));
        assertEquals(80L, in(ALICE, x, Long.class, "balance", "b1"), "a read inside the branch sees its write");
        assertEquals(100L, balance("a1"), "nothing is applied before commit");
        assertEquals(50L, balance("b1"));
        assertEquals(XAResource.XA_OK, prepare(ALICE, x));
        assertEquals(List.of(x), recover(ALICE), "recover lists the prepared branch");
        assertEquals(List.of(), recover(BOB), "and only to its own client");
        commit(ALICE, x);
        assertEquals(70L, balance("a1"));
        assertEquals(80L, balance("b1"));
        assertEquals(List.of(), recover(ALICE));
    }

    @Test
    void onePhaseCommitAppliesAndAReadOnlyBranchVotesReadOnly() {
        BranchXid x = xid("one");
        assertEquals(110L, in(ALICE, x, Long.class, "deposit", "a1", 10L));
        r.result(verb(ALICE, XaVerbs.COMMIT_ONE_PHASE, x), Void.class);
        assertEquals(110L, balance("a1"));
        BranchXid reader = xid("reader");
        assertEquals(110L, in(ALICE, reader, Long.class, "balance", "a1"));
        assertEquals(XAResource.XA_RDONLY, prepare(ALICE, reader));
        assertEquals(XAException.XAER_NOTA, code(verb(ALICE, XaVerbs.COMMIT, reader)), "a read-only branch is done at prepare");
        assertEquals(XAException.XAER_NOTA, code(verb(ALICE, PREPARE, xid("never-called"))), "a branch never called is unknown");
    }

    @Test
    void prepareFailsWhenAnotherWriteChangedWhatTheBranchSawAndChangesNothing() {
        BranchXid x = xid("g2");
        assertEquals(20L, in(ALICE, x, Long.class, "transfer", "a1", "b1", 80L));
        assertEquals(50L, r.call(ALICE, t++, Long.class, "transfer", "a1", "b1", 50L), "an ordinary write meanwhile");
        assertEquals(XAException.XA_RBINTEGRITY, code(verb(ALICE, XaBranchTest.PREPARE, x)),
                "the transfer of 80 now overdraws a1: its result differs, the branch is rolled back");
        assertEquals(XAException.XAER_NOTA, code(verb(ALICE, XaVerbs.COMMIT, x)), "and gone");
        assertEquals(50L, balance("a1"));
        assertEquals(100L, balance("b1"));
    }

    private static final String PREPARE = XaVerbs.PREPARE;

    @Test
    void aPreparedBranchHoldsWhatItReadAndWroteUntilCommit() {
        BranchXid x = xid("g3");
        in(ALICE, x, Long.class, "deposit", "a1", 10L);
        in(ALICE, x, Long.class, "balance", "b1");
        assertEquals(XAResource.XA_OK, prepare(ALICE, x));
        StoreException locked = ServiceHarness.failure(r.ordered(TELLER, t++, r.request("deposit", "a1", 1L)));
        assertInstanceOf(EntityLockedException.class, locked, "a write of an entity the branch wrote is refused");
        assertInstanceOf(EntityLockedException.class, ServiceHarness.failure(r.ordered(BOB, t++, r.request("deposit", "b1", 1L))),
                "so is a write of one it read");
        assertEquals(100L, balance("a1"), "a read sees the value before the branch");
        Digest before = r.checkpoint();
        assertEquals(before, r.checkpoint(), "the refused writes changed nothing");

        BranchXid other = xid("g4");
        in(BOB, other, Long.class, "balance", "a1");
        in(BOB, other, Long.class, "deposit", "b1", 0L + 5);
        assertEquals(XAException.XA_RBROLLBACK, code(verb(BOB, PREPARE, other)),
                "a second branch that read what the prepared one writes cannot prepare");

        commit(ALICE, x);
        assertEquals(110L, balance("a1"));
        assertEquals(111L, r.call(TELLER, t++, Long.class, "deposit", "a1", 1L), "the lock is gone with the commit");
    }

    @Test
    void rollbackDiscardsAndReleases() throws XAException {
        BranchXid x = xid("g5");
        in(ALICE, x, Long.class, "deposit", "a1", 10L);
        assertEquals(XAResource.XA_OK, prepare(ALICE, x));
        r.result(verb(ALICE, XaVerbs.ROLLBACK, x), Void.class);
        assertEquals(100L, balance("a1"));
        assertEquals(101L, r.call(TELLER, t++, Long.class, "deposit", "a1", 1L));
        assertEquals(List.of(), recover(ALICE));
    }

    @Test
    void aBranchPreparedPastTheAgreedTimeBoundIsRolledBackHeuristicallyUntilForgotten() throws XAException {
        BranchXid x = xid("g6");
        in(ALICE, x, Long.class, "deposit", "a1", 10L);
        assertEquals(XAResource.XA_OK, prepare(ALICE, x));
        t += BOUND.toMillis() - 10;
        assertInstanceOf(EntityLockedException.class, ServiceHarness.failure(r.ordered(TELLER, t++, r.request("deposit", "a1", 1L))),
                "still held just before the bound");
        t += 100;   // the agreed clock passes the bound: the next ordered request rolls it back
        assertEquals(101L, r.call(TELLER, t++, Long.class, "deposit", "a1", 1L), "released");
        assertEquals(List.of(x), recover(ALICE), "reported by recover");
        assertEquals(XAException.XA_HEURRB, code(verb(ALICE, XaVerbs.COMMIT, x)));
        assertEquals(XAException.XA_HEURRB, code(verb(ALICE, XaVerbs.ROLLBACK, x)));
        assertEquals(XAException.XA_HEURRB, code(verb(ALICE, PREPARE, x)), "prepare reports it heuristic too");
        assertEquals(101L, balance("a1"), "the branch's deposit never happened");
        r.result(verb(ALICE, XaVerbs.FORGET, x), Void.class);
        assertEquals(List.of(), recover(ALICE));
        assertEquals(XAException.XAER_NOTA, code(verb(ALICE, XaVerbs.COMMIT, x)));

        BranchXid idle = xid("idle");
        in(ALICE, idle, Long.class, "deposit", "a1", 10L);
        t += BOUND.toMillis() + 1;
        r.call(TELLER, t++, Long.class, "deposit", "b1", 1L);
        assertEquals(XAException.XA_RBTIMEOUT, code(verb(ALICE, PREPARE, idle)), "an active branch idle past the bound is rolled back");
        assertEquals(XAException.XAER_NOTA, code(verb(ALICE, PREPARE, idle)), "and then gone");
        assertEquals(101L, balance("a1"), "its deposit never happened");
    }

    @Test
    void aClientHoldsABoundedNumberOfBranches() {
        assertEquals(XAResource.XA_OK, prepareDeposit(ALICE, "p1", "a1"));
        assertEquals(XAResource.XA_OK, prepareDeposit(BOB, "p2", "b1"));
        r.call(TELLER, t++, String.class, "open", "c1", "alice", 10L);
        r.call(TELLER, t++, String.class, "open", "c2", "alice", 10L);
        r.call(TELLER, t++, String.class, "open", "c3", "alice", 10L);
        assertEquals(XAResource.XA_OK, prepareDeposit(TELLER, "q1", "c1"));
        assertEquals(XAResource.XA_OK, prepareDeposit(TELLER, "q2", "c2"));
        BranchXid third = xid("q3");
        in(TELLER, third, Long.class, "deposit", "c3", 1L);
        assertEquals(XAException.XA_RBOTHER, code(verb(TELLER, PREPARE, third)), "over the bound of prepared branches");
        in(TELLER, xid("q4"), Long.class, "deposit", "c3", 1L);
        in(TELLER, xid("q5"), Long.class, "deposit", "c3", 1L);
        assertEquals(XAException.XAER_RMERR, code(r.ordered(TELLER, t++, r.request(XaVerbs.CALL, xid("q6").encode(),
                r.request("deposit", "c3", 1L)))), "over the bound of open branches");
        assertEquals(10L, balance("c3"));
    }

    private int prepareDeposit(int client, String g, String account) {
        BranchXid x = xid(g);
        in(client, x, Long.class, "deposit", account, 1L);
        return prepare(client, x);
    }

    @Test
    void hostileXidsAndVerbsAreRefusedAndChangeNothing() {
        Digest before = r.checkpoint();
        byte[] big = new byte[65];
        byte[] tooLong = ByteBuffer.allocate(4 + 1 + 65 + 1).putInt(1).put((byte) 65).put(big).put((byte) 0).array();
        byte[] emptyGtrid = ByteBuffer.allocate(6).putInt(1).put((byte) 0).put((byte) 0).array();
        byte[] truncated = Arrays.copyOf(xid("g").encode(), 6);
        byte[] trailing = Arrays.copyOf(xid("g").encode(), xid("g").encode().length + 1);
        byte[] nullXid = ByteBuffer.allocate(8).putInt(-1).put((byte) 1).put((byte) 7).put((byte) 1).put((byte) 7).array();
        for (byte[] bad : List.of(tooLong, emptyGtrid, truncated, trailing, nullXid, new byte[0], new byte[1000]))
            for (String verb : List.of(PREPARE, XaVerbs.COMMIT, XaVerbs.ROLLBACK, XaVerbs.FORGET))
                assertEquals(XAException.XAER_INVAL, code(r.ordered(ALICE, t++, r.request(verb, (Object) bad))), verb);
        assertEquals(XAException.XAER_INVAL, code(r.ordered(ALICE, t++, r.request(XaVerbs.CALL, tooLong, r.request("balance", "a1")))));
        assertEquals(XAException.XAER_NOTA, code(verb(ALICE, XaVerbs.COMMIT, xid("never"))));
        assertEquals(XAException.XAER_NOTA, code(verb(ALICE, XaVerbs.ROLLBACK, xid("never"))));
        assertEquals(XAException.XAER_NOTA, code(verb(ALICE, XaVerbs.FORGET, xid("never"))));
        assertInstanceOf(BadRequestException.class, ServiceHarness.failure(r.ordered(ALICE, t++, r.request(PREPARE))), "no Xid");
        assertInstanceOf(BadRequestException.class, ServiceHarness.failure(r.ordered(ALICE, t++, r.request(PREPARE, "a string"))));
        assertInstanceOf(BadRequestException.class, ServiceHarness.failure(r.ordered(ALICE, t++, r.request("#xa.steal", xid("g").encode()))));
        assertInstanceOf(BadRequestException.class, ServiceHarness.failure(r.readOnly(ALICE, r.request(PREPARE, xid("g").encode()))),
                "verbs are ordered requests");
        assertInstanceOf(BadRequestException.class, ServiceHarness.failure(r.ordered(ALICE, t++, r.request(XaVerbs.CALL, xid("g").encode(),
                r.request(PREPARE, xid("g").encode())))), "no verb inside a branch");
        assertEquals(XAException.XAER_NOTA, code(verb(ALICE, XaVerbs.COMMIT, xid("g"))), "a refused call left no branch behind");
        assertEquals(before, r.checkpoint(), "nothing changed the state");
    }

    @Test
    void anotherClientCannotTouchABranch() {
        BranchXid x = xid("mine");
        in(ALICE, x, Long.class, "deposit", "a1", 10L);
        assertEquals(XAException.XAER_NOTA, code(verb(BOB, PREPARE, x)), "branches are keyed by the authenticated client");
        assertEquals(XAException.XAER_NOTA, code(verb(BOB, XaVerbs.ROLLBACK, x)));
        assertEquals(XAResource.XA_OK, prepare(ALICE, x));
        assertEquals(XAException.XAER_NOTA, code(verb(BOB, XaVerbs.COMMIT, x)));
        commit(ALICE, x);
        assertEquals(110L, balance("a1"));
    }

    @Test
    void aFaultyClientsReplayedVerbsAreHarmless() {
        BranchXid x = xid("replay");
        in(ALICE, x, Long.class, "deposit", "a1", 10L);
        assertEquals(XAResource.XA_OK, prepare(ALICE, x));
        assertEquals(XAException.XAER_PROTO, code(verb(ALICE, PREPARE, x)), "prepared once");
        assertEquals(XAException.XAER_PROTO, code(r.ordered(ALICE, t++, r.request(XaVerbs.CALL, x.encode(), r.request("deposit", "a1", 10L)))),
                "no call joins a prepared branch");
        assertEquals(XAException.XAER_PROTO, code(verb(ALICE, XaVerbs.COMMIT_ONE_PHASE, x)));
        assertEquals(XAException.XAER_PROTO, code(verb(ALICE, XaVerbs.FORGET, x)));
        commit(ALICE, x);
        assertEquals(XAException.XAER_NOTA, code(verb(ALICE, XaVerbs.COMMIT, x)), "committed once");
        assertEquals(XAException.XAER_NOTA, code(verb(ALICE, XaVerbs.ROLLBACK, x)));
        assertEquals(110L, balance("a1"), "the deposit applied exactly once");
        // The same request bytes again (a replay the engine would not deduplicate, as a new timestamp): the same answer.
        assertEquals(XAException.XAER_NOTA, code(verb(ALICE, XaVerbs.COMMIT, x)));
    }

    @Test
    void branchesLiveInTheReplicatedStateAndEveryReplicaAgrees() throws XAException {
        ServiceHarness other = new ServiceHarness(definition());
        BranchXid x = xid("det");
        long start = t;
        // Feed both replicas the same requests.
        List<byte[]> requests = List.of(
                r.request("open", "a1", "alice", 100L), r.request("open", "b1", "bob", 50L),
                r.request(XaVerbs.CALL, x.encode(), r.request("transfer", "a1", "b1", 30L)),
                r.request(PREPARE, x.encode()));
        int[] clients = {TELLER, TELLER, ALICE, ALICE};
        ServiceHarness fresh = new ServiceHarness(definition());
        for (int i = 0; i < requests.size(); i++) {
            byte[] a = fresh.ordered(clients[i], start + i, requests.get(i)), b = other.ordered(clients[i], start + i, requests.get(i));
            assertArrayEquals(a, b, "replies agree");
        }
        assertEquals(fresh.checkpoint(), other.checkpoint(), "the states agree, branch and locks included");
        // A replica restarted on the same pages (or given them by a state transfer) knows the prepared branch.
        StoreService restarted = new StoreService(definition());
        restarted.init(fresh.state);
        byte[] answer = restarted.execute(r.request(XaVerbs.RECOVER), ALICE, io.bulwark.bft.core.NonDet.encodeTime(start + 10), false);
        assertEquals(List.of(x), XaVerbs.decodeXids(fresh.result(answer, byte[].class)));
        byte[] committed = restarted.execute(r.request(XaVerbs.COMMIT, x.encode()), ALICE, io.bulwark.bft.core.NonDet.encodeTime(start + 11), false);
        fresh.result(committed, Void.class);
        assertNotEquals(fresh.checkpoint(), other.checkpoint());
        assertTrue(true);
    }
}
