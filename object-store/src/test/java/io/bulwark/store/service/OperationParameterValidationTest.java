package io.bulwark.store.service;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.bulwark.bft.crypto.Digest;
import io.bulwark.store.StoreDefinition;
import io.bulwark.store.Tx;
import io.bulwark.store.ValidationException;
import io.bulwark.store.ValidationException.Violation;
import io.bulwark.store.access.PermitAll;
import io.bulwark.store.operation.Operation;
import io.bulwark.store.service.bank.Account;
import jakarta.validation.Valid;
import jakarta.validation.constraints.Future;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Positive;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Bean Validation of operation arguments on the replica, through StoreService: before the operation runs, no page touched. */
class OperationParameterValidationTest {
    private static final long T0 = 1_750_000_000_000L;
    private static final int CLIENT = 9;

    /** A value argument whose own constraints are checked when the parameter is {@code @Valid}. */
    public record Order(@NotBlank String number, @Positive long amount) {}

    @PermitAll
    public static class Payments {
        /** Counts calls: an argument that breaks a constraint must never reach the method. */
        int calls;

        @Operation(name = "pay")
        public String transfer(Tx tx, @NotBlank String from, @NotBlank String to, @Min(1) long amount) {
            calls++;
            tx.persist(new Account(from + "->" + to, "payer", amount));
            return from + "->" + to;
        }

        @Operation
        public long order(Tx tx, @Valid @NotNull Order o) {
            calls++;
            tx.persist(new Account(o.number(), "buyer", o.amount()));
            return o.amount();
        }

        @Operation
        public long schedule(Tx tx, @Future Instant due) {
            calls++;
            return due.toEpochMilli();
        }

        @Operation(readOnly = true)
        public int peek(Tx tx, @Min(0) int index) {
            calls++;
            return index;
        }

        /** No constraints: runs as before, whatever it is given. */
        @Operation
        public long echo(Tx tx, long value) {
            calls++;
            return value;
        }
    }

    private final Payments payments = new Payments();
    private final ServiceHarness r = new ServiceHarness(
            StoreDefinition.builder().entities(Account.class).values(Order.class).operations(payments).build());

    @Test
    void argumentsBreakingParameterConstraintsAreRefusedBeforeTheOperationRuns() {
        assertEquals("a->b", r.call(CLIENT, T0, String.class, "pay", "a", "b", 5L));
        assertEquals(1, payments.calls);

        ValidationException e = refused(() -> r.ordered(CLIENT, T0 + 1, r.request("pay", " ", "", 0L)));
        assertEquals(List.of(new Violation("pay", "transfer.amount", "must be greater than or equal to 1"),
                        new Violation("pay", "transfer.from", "must not be blank"),
                        new Violation("pay", "transfer.to", "must not be blank")),
                e.violations(), "named by the operation, paths by method and real parameter names, sorted");

        ValidationException cascaded = refused(() -> r.ordered(CLIENT, T0 + 2, r.request("order", new Order("", -3))));
        assertEquals(List.of(new Violation("order", "order.o.amount", "must be greater than 0"),
                new Violation("order", "order.o.number", "must not be blank")), cascaded.violations());
        ValidationException nullValue = refused(() -> r.ordered(CLIENT, T0 + 2, r.request("order", (Object) null)));
        assertEquals(List.of(new Violation("order", "order.o", "must not be null")), nullValue.violations());

        ValidationException readOnly = refused(() -> r.readOnly(CLIENT, r.request("peek", -1)));
        assertEquals("peek.index", readOnly.violations().get(0).path());
        assertEquals(1, payments.calls, "no refused call reached the method");

        assertEquals(7L, r.call(CLIENT, T0 + 3, Long.class, "order", new Order("o1", 7)));
        assertEquals(-4L, r.call(CLIENT, T0 + 3, Long.class, "echo", -4L), "an unconstrained operation is not validated");
    }

    @Test
    void temporalConstraintsSeeTheAgreedTime() {
        Instant due = Instant.ofEpochMilli(T0 + 1_000);
        assertEquals(T0 + 1_000, r.call(CLIENT, T0, Long.class, "schedule", due));
        ValidationException late = refused(() -> r.ordered(CLIENT, T0 + 1_000, r.request("schedule", due)));
        assertEquals(List.of(new Violation("schedule", "schedule.due", "must be a future date")), late.violations());
    }

    @Test
    void twoReplicasRefuseWithTheSameReplyBytes() {
        ServiceHarness other = new ServiceHarness(
                StoreDefinition.builder().entities(Account.class).values(Order.class).operations(new Payments()).build());
        for (byte[] request : List.of(r.request("pay", "", "", -1L), r.request("order", new Order(" ", 0)))) {
            byte[] mine = r.ordered(CLIENT, T0, request);
            assertInstanceOf(ValidationException.class, ServiceHarness.failure(mine));
            assertArrayEquals(mine, other.ordered(CLIENT, T0, request));
        }
    }

    @Test
    void aFailureReplyFitsASmallResultLimitAndCountsTheViolationsLeftOut() {
        int limit = 128;
        ServiceHarness small = new ServiceHarness(
                StoreDefinition.builder().entities(Account.class).values(Order.class).operations(new Payments()).build(), limit);
        byte[] request = r.request("pay", " ", "", 0L);
        List<Violation> all = assertInstanceOf(ValidationException.class, ServiceHarness.failure(r.ordered(CLIENT, T0, request))).violations();
        assertEquals(3, all.size());
        Digest before = small.checkpoint();
        byte[] reply = small.ordered(CLIENT, T0, request);
        assertTrue(reply.length <= limit, reply.length + " bytes");
        ValidationException cut = assertInstanceOf(ValidationException.class, ServiceHarness.failure(reply));
        int kept = cut.violations().size();
        assertTrue(kept >= 1 && kept < all.size(), "some fit, not all: " + kept);
        assertEquals(all.subList(0, kept), cut.violations(), "the first ones, whole");
        assertEquals(all.size() - kept, cut.omitted());
        assertTrue(cut.getMessage().endsWith(" and " + cut.omitted() + " more"), cut.getMessage());
        assertEquals(before, small.checkpoint());
        // Other failures too: an unknown operation's name comes back in the message, cut to fit.
        byte[] unknown = small.ordered(CLIENT, T0, new RequestEnvelope("x".repeat(120), List.of()).encode());
        assertTrue(unknown.length <= limit, unknown.length + " bytes");
        assertTrue(ServiceHarness.failure(unknown).getMessage().startsWith("unknown operation 'xxx"));
    }

    /** Operations whose parameter constraints break Bean Validation's rules (an override may not add any). */
    public interface Api {
        long charge(Tx tx, long amount);
    }

    @PermitAll
    public static class Tightened implements Api {
        @Operation
        @Override
        public long charge(Tx tx, @Min(1) long amount) { return amount; }
    }

    @Test
    void malformedParameterConstraintsFailWhenTheStoreIsDefined() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> StoreDefinition.builder().entities(Account.class).operations(new Tightened()).build());
        assertTrue(e.getMessage().contains(Tightened.class.getName() + ".charge"), e.getMessage());
    }

    /** The request fails with a ValidationException and modifies no page. */
    private ValidationException refused(java.util.function.Supplier<byte[]> request) {
        Digest before = r.checkpoint();
        ValidationException e = assertInstanceOf(ValidationException.class, ServiceHarness.failure(request.get()));
        assertEquals(0, r.tree.dirtyPages(), "no page modified");
        assertEquals(before, r.checkpoint());
        return e;
    }
}
