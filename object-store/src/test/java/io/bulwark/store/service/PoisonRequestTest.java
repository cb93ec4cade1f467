package io.bulwark.store.service;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.bulwark.store.BadRequestException;
import io.bulwark.store.OperationFailedException;
import io.bulwark.store.StoreDefinition;
import io.bulwark.store.StoreException;
import io.bulwark.store.Tx;
import io.bulwark.store.ValidationException;
import io.bulwark.store.access.PermitAll;
import io.bulwark.store.operation.Operation;
import io.bulwark.store.service.bank.Account;
import jakarta.validation.Valid;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Pattern;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.ResourceBundle;
import org.junit.jupiter.api.Test;

/**
 * The five poison requests of issue 19, each against one replica's StoreService: a request must get
 * the same reply at every correct replica, whatever the JVM's state, and must not take the replica
 * down. (Written against the StoreException API only, so that it runs against the code before the
 * fix too: there, each case fails.)
 */
class PoisonRequestTest {
    private static final long T0 = 1_750_000_000_000L;
    private static final int CLIENT = 9;

    /** Case 1: a compact constructor that dereferences a component (NullPointerException's text is the JVM's). */
    public record Name(String value) {
        public Name {
            if (value.length() > 100) throw new IllegalArgumentException("a name has at most 100 characters");
        }
    }

    /** Case 1, result path: an accessor that dereferences. */
    public record Shout(String value) {
        @Override public String value() { return value.toUpperCase(Locale.ROOT); }
    }

    /** Case 4: a map key class without toString (Object's gives an identity hash code). */
    public static final class Key {
        public int k;
        public Key() {}
        Key(int k) { this.k = k; }
    }

    public static final class Val {
        @NotNull public String v;
        public Val() {}
    }

    /** Case 5: the message only an English bundle (ValidationMessages_en.properties, no root bundle) has. */
    public record Localized(@NotNull(message = "{poison.locale}") String text) {}

    @PermitAll
    public static class Ops {
        @Operation
        public int name(Tx tx, Name n) { return 1; }

        @Operation
        public Shout shout(Tx tx, String s) { return new Shout(s); }

        @Operation
        public String slug(Tx tx, @Pattern(regexp = "([a-z]|-)*") String s) { return "ok"; }

        @Operation
        public int check(Tx tx, @Valid Map<Key, Val> m) { return m.size(); }

        @Operation
        public int localized(Tx tx, @Valid Localized l) { return 1; }

        /** Case 3: an offset walks the index entry by entry. */
        @Operation(budget = 800)
        public int skip(Tx tx, long offset) { return tx.range(Account.class, "number", null, null, false, offset, 1).size(); }

        @Operation
        public int fill(Tx tx, int n) {
            for (int i = 0; i < n; i++) tx.persist(new Account("acct-" + i, "owner", 1));
            return n;
        }

        /** Case 3: a query that decodes every entity it returns, with a budget below that. */
        @Operation(budget = 2_000)
        public int scanAll(Tx tx) { return tx.findBy(Account.class, "owner", "owner").size(); }
    }

    private static StoreDefinition definition() {
        return StoreDefinition.builder().entities(Account.class).values(Name.class, Shout.class, Key.class, Val.class, Localized.class)
                .operations(new Ops()).build();
    }

    private final ServiceHarness r = new ServiceHarness(definition());

    @Test
    void case1_aNullPointerInADecodedRecordRepliesWithTheClassNameOnly() {
        StoreException e = ServiceHarness.failure(r.ordered(CLIENT, T0, new RequestEnvelope("name", List.of(nameWith(null))).encode()));
        // Before the fix: '... java.lang.NullPointerException: Cannot invoke "String.length()" because "<parameter1>" is null',
        // and plain 'java.lang.NullPointerException' once the JIT compiled the constructor.
        assertEquals(BadRequestException.class, e.getClass());
        assertEquals("argument 1 of name: record " + Name.class.getName()
                + " rejected the decoded components: java.lang.NullPointerException", e.getMessage());
        // The application's own message is kept.
        StoreException tooLong = ServiceHarness.failure(r.ordered(CLIENT, T0, new RequestEnvelope("name", List.of(nameWith("x".repeat(101)))).encode()));
        assertTrue(tooLong.getMessage().endsWith("java.lang.IllegalArgumentException: a name has at most 100 characters"), tooLong.getMessage());
    }

    /** A client cannot construct Name(null); a hostile one writes its bytes: the record's, with the component's encoding replaced. */
    private byte[] nameWith(String component) {
        var codec = r.definition.codec();
        byte[] named = codec.encode(new Name("x")), x = codec.encode("x"), c = codec.encode(component);
        byte[] out = java.util.Arrays.copyOf(named, named.length - x.length + c.length);
        System.arraycopy(c, 0, out, named.length - x.length, c.length);
        return out;
    }

    @Test
    void case1_aNullPointerWhileEncodingTheResultRepliesWithTheClassNameOnly() {
        StoreException e = ServiceHarness.failure(r.ordered(CLIENT, T0, r.request("shout", new Object[] {null})));
        assertEquals(OperationFailedException.class, e.getClass());
        assertFalse(e.getMessage().contains("Cannot invoke"), e.getMessage());
        assertTrue(e.getMessage().endsWith("Shout.value: accessor failed: java.lang.NullPointerException"), e.getMessage());
    }

    @Test
    void case2_aBacktrackingPatternOverALongInputNeitherOverflowsTheStackNorFails() {
        // java.util.regex recursed once per repetition: StackOverflowError (1,600 characters did it on the replica's thread).
        assertEquals("ok", r.call(CLIENT, T0, String.class, "slug", "a".repeat(200_000)));
        StoreException e = ServiceHarness.failure(r.ordered(CLIENT, T0, r.request("slug", "a".repeat(1_000) + "!")));
        assertEquals(ValidationException.class, e.getClass());
        assertEquals("must match \"([a-z]|-)*\"", ((ValidationException) e).violations().get(0).message());
    }

    @Test
    void case2_aPatternTheLinearMatcherCannotRunIsRefusedWhenTheStoreIsDefined() {
        @PermitAll
        class Backref {
            @Operation
            public String twice(Tx tx, @Pattern(regexp = "(a+)\\1") String s) { return s; }
        }
        IllegalArgumentException e = org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class,
                () -> StoreDefinition.builder().operations(new Backref()).build());
        assertTrue(e.getMessage().contains("(a+)\\1") && e.getMessage().contains("RE2/J"), e.getMessage());
    }

    @Test
    void case3_aLargeOffsetIsStoppedByTheWorkBudget() {
        assertEquals(1_000, r.call(CLIENT, T0, Integer.class, "fill", 1_000));
        assertEquals(1, r.call(CLIENT, T0, Integer.class, "skip", 10L));
        StoreException e = ServiceHarness.failure(r.ordered(CLIENT, T0, r.request("skip", 1_000_000_000L)));
        assertEquals("BudgetExceededException", e.getClass().getSimpleName());   // the class exists only after the fix
        assertTrue(e.getMessage().startsWith("operation skip exceeded its work budget of 800 units"), e.getMessage());
        StoreException again = ServiceHarness.failure(r.ordered(CLIENT, T0, r.request("skip", 1_000_000_000L)));
        assertEquals(e.getMessage(), again.getMessage());   // the same point, every time
        StoreException scan = ServiceHarness.failure(r.ordered(CLIENT, T0, r.request("scanAll")));
        assertEquals("BudgetExceededException", scan.getClass().getSimpleName());
    }

    @Test
    void case4_aMapKeyWithoutToStringIsRenderedWithoutAnIdentityHash() {
        Map<Key, Val> m = new LinkedHashMap<>();
        m.put(new Key(7), new Val());
        for (int run = 0; run < 2; run++) {
            StoreException e = ServiceHarness.failure(r.ordered(CLIENT, T0, r.request("check", m)));
            List<ValidationException.Violation> vs = ((ValidationException) e).violations();
            // Before the fix: check.m[io.bulwark...PoisonRequestTest$Key@5aebe890].v, another hash each run.
            assertEquals("check.m[" + Key.class.getName() + "].v", vs.get(0).path());
        }
    }

    @Test
    void case5_messagesDoNotDependOnTheDefaultLocale() {
        Locale saved = Locale.getDefault();
        try {
            String[] messages = new String[2];
            Locale[] hosts = {Locale.ENGLISH, Locale.FRENCH};
            for (int i = 0; i < hosts.length; i++) {
                Locale.setDefault(hosts[i]);
                ResourceBundle.clearCache();
                ResourceBundle.clearCache(Thread.currentThread().getContextClassLoader());
                ServiceHarness replica = new ServiceHarness(definition());
                StoreException e = ServiceHarness.failure(replica.ordered(CLIENT, T0, replica.request("localized", new Localized(null))));
                messages[i] = ((ValidationException) e).violations().get(0).message();
            }
            // Before the fix: "english only" on the English host, "{poison.locale}" on the French one.
            assertEquals(messages[0], messages[1]);
        } finally {
            Locale.setDefault(saved);
        }
    }
}
