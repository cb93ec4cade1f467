package io.bulwark.store.service;

import static io.bulwark.store.service.bank.BankDefinition.ALICE;
import static io.bulwark.store.service.bank.BankDefinition.AUDITOR;
import static io.bulwark.store.service.bank.BankDefinition.BOB;
import static io.bulwark.store.service.bank.BankDefinition.STRANGER;
import static io.bulwark.store.service.bank.BankDefinition.TELLER;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.bulwark.bft.crypto.Digest;
import io.bulwark.store.AccessDeniedException;
import io.bulwark.store.BadRequestException;
import io.bulwark.store.EntityExistsException;
import io.bulwark.store.NotFoundException;
import io.bulwark.store.OperationFailedException;
import io.bulwark.store.OptimisticLockException;
import io.bulwark.store.StoreDefinition;
import io.bulwark.store.StoreException;
import io.bulwark.store.ValidationException;
import io.bulwark.store.access.AccessPolicy;
import io.bulwark.store.service.bank.Account;
import io.bulwark.store.service.bank.BankDefinition;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import java.util.function.Supplier;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The bank through StoreService in-process, as the engine drives it: authenticated client ids, agreed time, read-only flag. */
class StoreServiceTest {
    private static final long T0 = 1_750_000_000_000L;
    private ServiceHarness r;

    @BeforeEach
    void openAccounts() {
        r = new ServiceHarness(BankDefinition.definition());
        assertEquals("a1", r.call(TELLER, T0, String.class, "open", "a1", "alice", 100L));
        assertEquals("b1", r.call(TELLER, T0 + 1, String.class, "open", "b1", "bob", 50L));
    }

    @Test
    void happyPaths() {
        assertEquals(120L, r.call(ALICE, T0 + 2, Long.class, "deposit", "a1", 20L));
        assertEquals(90L, r.call(ALICE, T0 + 3, Long.class, "transfer", "a1", "b1", 30L));
        assertEquals(80L, r.callReadOnly(BOB, Long.class, "balance", "b1"), "read-only path");
        assertEquals(90L, r.call(AUDITOR, T0 + 4, Long.class, "balance", "a1"), "a read-only operation may also be ordered");
        assertEquals(List.of("a1"), r.callReadOnly(AUDITOR, List.class, "accountsOf", "alice"));
        Account a = r.callReadOnly(TELLER, Account.class, "account", "a1");
        assertEquals("alice", a.owner);
        assertEquals(90L, a.balance);
        assertEquals("alice", r.callReadOnly(ALICE, String.class, "whoAmI"));
        assertEquals(AccessPolicy.ANONYMOUS, r.callReadOnly(STRANGER, String.class, "whoAmI"), "an unlisted client is anonymous");
    }

    @Test
    void everyFailureTypeComesBackTypedAndChangesNothing() {
        assertUnchanged(NotFoundException.class, "zz", () -> r.ordered(TELLER, T0 + 5, r.request("deposit", "zz", 5L)));
        assertUnchanged(EntityExistsException.class, "", () -> r.ordered(TELLER, T0 + 5, r.request("open", "a1", "eve", 1L)));
        ValidationException v = (ValidationException) assertUnchanged(ValidationException.class, "balance",
                () -> r.ordered(ALICE, T0 + 5, r.request("transfer", "a1", "b1", 1_000L)));
        assertEquals(1, v.violations().size(), v.getMessage());
        assertEquals("balance", v.violations().get(0).path());
        assertUnchanged(AccessDeniedException.class, "alice", () -> r.ordered(ALICE, T0 + 5, r.request("open", "a2", "alice", 1L)));
        assertUnchanged(BadRequestException.class, "", () -> r.ordered(TELLER, T0 + 5, r.request("sneakyInterest", "a1")));
        assertUnchanged(BadRequestException.class, "", () -> r.readOnly(TELLER, r.request("sneakyInterest", "a1")));
        OperationFailedException f = (OperationFailedException) assertUnchanged(OperationFailedException.class, "amount must be positive",
                () -> r.ordered(ALICE, T0 + 5, r.request("deposit", "a1", -5L)));
        assertEquals(IllegalArgumentException.class.getName(), f.exceptionClass());

        // Optimistic locking: two tellers edit the same account offline; the second write-back is stale.
        Account first = r.callReadOnly(TELLER, Account.class, "account", "b1");
        Account second = r.callReadOnly(TELLER, Account.class, "account", "b1");
        first.balance = 55;
        r.call(TELLER, T0 + 6, Long.class, "update", first);
        second.balance = 1_000_000;
        assertUnchanged(OptimisticLockException.class, "", () -> r.ordered(TELLER, T0 + 7, r.request("update", second)));
        assertEquals(55L, r.callReadOnly(BOB, Long.class, "balance", "b1"));
    }

    @Test
    void byzantineClientsHandMadeRequestsAreRefusedAndChangeNothing() {
        // Bad envelope bytes.
        assertUnchanged(BadRequestException.class, "malformed request", () -> r.ordered(BOB, T0 + 5, new byte[] {1, 7, 'd'}));
        assertUnchanged(BadRequestException.class, "malformed request", () -> r.ordered(BOB, T0 + 5, new byte[0]));
        SplittableRandom rnd = new SplittableRandom(7);
        for (int i = 0; i < 200; i++) {
            byte[] junk = new byte[rnd.nextInt(64)];
            for (int j = 0; j < junk.length; j++) junk[j] = (byte) rnd.nextInt(256);
            assertUnchanged(BadRequestException.class, "", () -> r.ordered(BOB, T0 + 5, junk));
        }
        byte[] good = r.request("deposit", "b1", 5L);
        for (int cut = 0; cut < good.length; cut++) {
            byte[] truncated = Arrays.copyOf(good, cut);
            assertUnchanged(BadRequestException.class, "", () -> r.ordered(BOB, T0 + 5, truncated));
        }
        // An unknown operation, wrong argument count and types, an argument of a class the store does not know.
        assertUnchanged(BadRequestException.class, "unknown operation 'steal'", () -> r.ordered(BOB, T0 + 5, r.request("steal", "a1")));
        assertUnchanged(BadRequestException.class, "takes 2 argument(s), got 1", () -> r.ordered(BOB, T0 + 5, r.request("deposit", "b1")));
        assertUnchanged(BadRequestException.class, "argument 2 of deposit",
                () -> r.ordered(BOB, T0 + 5, r.request("deposit", "b1", "a lot")));
        assertUnchanged(BadRequestException.class, "argument 2 of deposit",
                () -> r.ordered(BOB, T0 + 5, r.request("deposit", "b1", 5)));   // an Integer where a long is declared
        StoreDefinition forged = StoreDefinition.builder().entities(Account.class).values(Loot.class).build();
        byte[] loot = new RequestEnvelope("update", List.of(forged.codec().encode(new Loot("a1", Long.MAX_VALUE)))).encode();
        assertUnchanged(BadRequestException.class, "argument 1 of update", () -> r.ordered(TELLER, T0 + 5, loot));
        // Claiming to be someone else: identity is the authenticated client id, never an argument.
        assertUnchanged(AccessDeniedException.class, "bob may not debit account a1",
                () -> r.ordered(BOB, T0 + 5, r.request("transfer", "a1", "b1", 10L)));
        assertUnchanged(BadRequestException.class, "takes 3 argument(s), got 4",
                () -> r.ordered(BOB, T0 + 5, r.request("transfer", "a1", "b1", 10L, "alice")));
        // A writing operation sent on the read-only path.
        assertUnchanged(BadRequestException.class, "not declared read-only", () -> r.readOnly(ALICE, r.request("deposit", "a1", 5L)));
        // Roles: a customer cannot open accounts, a stranger cannot deposit, nobody can call an undeclared operation.
        assertUnchanged(AccessDeniedException.class, "requires @Roles[teller]", () -> r.ordered(BOB, T0 + 5, r.request("open", "b2", "bob", 1_000_000L)));
        assertUnchanged(AccessDeniedException.class, "anonymous", () -> r.ordered(STRANGER, T0 + 5, r.request("deposit", "b1", 5L)));
        assertUnchanged(AccessDeniedException.class, "denied by default", () -> r.ordered(TELLER, T0 + 5, r.request("closeBank")));
        // Breaking the invariant.
        assertUnchanged(ValidationException.class, "balance", () -> r.ordered(BOB, T0 + 5, r.request("transfer", "b1", "a1", 51L)));

        assertEquals(100L, r.callReadOnly(ALICE, Long.class, "balance", "a1"));
        assertEquals(50L, r.callReadOnly(BOB, Long.class, "balance", "b1"));
    }

    @Test
    void timeAndRandomnessComeFromTheAgreedInput() {
        @SuppressWarnings("unchecked") List<Long> s1 = r.call(ALICE, T0 + 100, List.class, "stamp");
        assertEquals(T0 + 100, s1.get(0));
        assertEquals(T0 + 100, r.callReadOnly(ALICE, Long.class, "clock"), "read-only requests see the last committed write's agreed time");
        Digest before = r.checkpoint();
        assertEquals(T0 + 150, r.call(ALICE, T0 + 150, Long.class, "clock"), "an ordered request sees its own agreed time");
        assertEquals(before, r.checkpoint(), "a read-only operation sent ordered changes no page, not even the clock");
        assertEquals(T0 + 100, r.callReadOnly(ALICE, Long.class, "clock"));
        @SuppressWarnings("unchecked") List<Long> s2 = r.call(ALICE, T0 + 200, List.class, "stamp");
        assertNotEquals(s1.get(1), s2.get(1), "each request gets its own seed");

        ServiceHarness other = new ServiceHarness(BankDefinition.definition());
        other.call(TELLER, T0, String.class, "open", "a1", "alice", 100L);
        other.call(TELLER, T0 + 1, String.class, "open", "b1", "bob", 50L);
        @SuppressWarnings("unchecked") List<Long> o1 = other.call(ALICE, T0 + 100, List.class, "stamp");
        assertEquals(s1, o1, "another replica fed the same request sees the same time and randomness");
    }

    @Test
    void twoReplicasFedTheSameRequestsEndWithEqualRootDigests() {
        ServiceHarness a = new ServiceHarness(BankDefinition.definition());
        ServiceHarness b = new ServiceHarness(BankDefinition.definition());
        SplittableRandom rnd = new SplittableRandom(42);
        int[] clients = {TELLER, ALICE, BOB, AUDITOR, STRANGER};
        for (ServiceHarness h : List.of(a, b)) {
            h.call(TELLER, T0, String.class, "open", "a1", "alice", 1_000L);
            h.call(TELLER, T0, String.class, "open", "b1", "bob", 1_000L);
        }
        List<byte[]> requests = new ArrayList<>();
        for (int i = 0; i < 300; i++) {
            String from = rnd.nextBoolean() ? "a1" : "b1";
            String to = from.equals("a1") ? "b1" : "a1";
            requests.add(switch (rnd.nextInt(5)) {
                case 0 -> a.request("deposit", from, (long) rnd.nextInt(-5, 100));
                case 1, 2 -> a.request("transfer", from, to, (long) rnd.nextInt(1, 400));
                case 3 -> a.request("open", "c" + rnd.nextInt(40), "carol", (long) rnd.nextInt(0, 50));
                default -> a.request("stamp");
            });
        }
        int ok = 0;
        for (int i = 0; i < requests.size(); i++) {
            int client = clients[rnd.nextInt(clients.length)];
            long t = T0 + 10L * i;
            byte[] ra = a.ordered(client, t, requests.get(i));
            byte[] rb = b.ordered(client, t, requests.get(i));
            assertArrayEquals(ra, rb, "request " + i + ": replicas' replies differ");
            if (Reply.decode(ra) instanceof Reply.Ok) ok++;
            if (i % 50 == 49) assertEquals(a.checkpoint(), b.checkpoint(), "root digests after request " + i);
        }
        assertTrue(ok > 50 && ok < requests.size(), "a mix of successes and failures: " + ok);
        assertEquals(a.checkpoint(), b.checkpoint());
    }

    @Test
    void aReplicaWithAnotherAccessPolicyRefusesToRun() {
        AccessPolicy lax = AccessPolicy.builder().grant(BOB, "bob", "teller").build();
        // At start: the saved state records the group's policy, this replica has another.
        IllegalStateException e = assertThrows(IllegalStateException.class,
                () -> new StoreService(BankDefinition.definition(lax)).init(r.state));
        assertTrue(e.getMessage().contains("access policy"), e.getMessage());

        // At every request: a replica that started blank and then received the group's state by transfer.
        ServiceHarness rogue = new ServiceHarness(BankDefinition.definition(lax));
        for (int p = 0; p < ServiceHarness.PAGES; p++) System.arraycopy(r.state.read(p), 0, rogue.state.modify(p), 0, rogue.state.pageSize());
        rogue.service.stateReplaced();
        Digest before = rogue.checkpoint();
        for (int i = 0; i < 2; i++) {
            StoreException f = ServiceHarness.failure(rogue.ordered(BOB, T0 + 9, rogue.request("open", "b9", "bob", 1_000_000L)));
            assertInstanceOf(BadRequestException.class, f);
            assertTrue(f.getMessage().contains("access policy"), f.getMessage());
        }
        assertEquals(0, rogue.tree.dirtyPages());
        assertEquals(before, rogue.checkpoint());
    }

    @Test
    void aBlankStoreAnswersReadOnlyRequestsWithoutFormattingIt() {
        ServiceHarness blank = new ServiceHarness(BankDefinition.definition());
        Digest before = blank.checkpoint();
        assertEquals(0L, blank.callReadOnly(ALICE, Long.class, "clock"), "no write yet: the epoch");
        assertEquals("alice", blank.call(ALICE, T0, String.class, "whoAmI"), "a read-only operation sent ordered");
        assertInstanceOf(NotFoundException.class, ServiceHarness.failure(blank.readOnly(ALICE, blank.request("balance", "a1"))));
        assertEquals(0, blank.tree.dirtyPages());
        assertEquals(before, blank.checkpoint());
    }

    /** Operations with results of any size, to check the reply limit. */
    public static class Blobs {
        @io.bulwark.store.operation.Operation(readOnly = true)
        @io.bulwark.store.access.PermitAll
        public byte[] blob(io.bulwark.store.Tx tx, int size) { return new byte[size]; }

        @io.bulwark.store.operation.Operation
        @io.bulwark.store.access.PermitAll
        public byte[] openAndBlob(io.bulwark.store.Tx tx, String number, int size) {
            tx.persist(new Account(number, "zed", 0));
            return new byte[size];
        }
    }

    @Test
    void aResultTooLargeForAReplyIsRefusedAndRolledBack() {
        StoreDefinition def = StoreDefinition.builder().entities(Account.class).operations(new Blobs()).build();
        ServiceHarness h = new ServiceHarness(def);
        assertEquals(60_000, h.callReadOnly(STRANGER, byte[].class, "blob", 60_000).length);
        assertEquals(10, h.call(STRANGER, T0, byte[].class, "openAndBlob", "z1", 10).length);
        Digest before = h.checkpoint();
        StoreException f = ServiceHarness.failure(h.ordered(STRANGER, T0 + 1, h.request("openAndBlob", "z2", 70_000)));
        assertInstanceOf(BadRequestException.class, f);
        assertTrue(f.getMessage().contains("a reply carries at most"), f.getMessage());
        assertEquals(0, h.tree.dirtyPages(), "the operation's writes were rolled back");
        assertEquals(before, h.checkpoint());
        assertInstanceOf(BadRequestException.class, ServiceHarness.failure(h.readOnly(STRANGER, h.request("blob", 70_000))));
    }

    /** Runs a request that must fail with {@code type} (message containing {@code fragment}) and leave every page as it was. */
    private StoreException assertUnchanged(Class<? extends StoreException> type, String fragment, Supplier<byte[]> request) {
        Digest before = r.checkpoint();
        StoreException f = ServiceHarness.failure(request.get());
        assertInstanceOf(type, f, f.getMessage());
        assertTrue(f.getMessage().contains(fragment), "'" + f.getMessage() + "' should contain '" + fragment + "'");
        assertEquals(0, r.tree.dirtyPages(), "no page modified by a refused request");
        assertEquals(before, r.checkpoint());
        return f;
    }

    /** A class a forged client registers and the store does not know. */
    public record Loot(String account, long amount) {}

}
