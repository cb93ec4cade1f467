package io.bulwark.store.service.bank;

import io.bulwark.store.AccessDeniedException;
import io.bulwark.store.Caller;
import io.bulwark.store.Tx;
import io.bulwark.store.access.PermitAll;
import io.bulwark.store.access.Roles;
import io.bulwark.store.operation.Operation;
import java.util.List;

/**
 * The bank's operations. Tellers open accounts and move any money; customers move only their own:
 * who the caller is comes from {@code tx.caller()}, never from an argument.
 */
@Roles({"teller", "customer"})
public class Bank {

    @Operation
    @Roles("teller")
    public String open(Tx tx, String number, String owner, long initial) {
        tx.persist(new Account(number, owner, initial));
        return number;
    }

    @Operation
    public long deposit(Tx tx, String number, long amount) {
        if (amount <= 0) throw new IllegalArgumentException("amount must be positive: " + amount);
        Account a = tx.get(Account.class, number);
        a.balance += amount;
        return a.balance;
    }

    /** Overdrawing is not checked here on purpose: the entity's {@code @Min(0)} must catch it on every replica. */
    @Operation
    public long transfer(Tx tx, String from, String to, long amount) {
        if (amount <= 0) throw new IllegalArgumentException("amount must be positive: " + amount);
        Account source = tx.get(Account.class, from);
        mayDebit(tx.caller(), source);
        Account target = tx.get(Account.class, to);
        source.balance -= amount;
        target.balance += amount;
        return source.balance;
    }

    @Operation(readOnly = true)
    @Roles({"teller", "customer", "auditor"})
    public long balance(Tx tx, String number) {
        return tx.get(Account.class, number).balance;
    }

    /** The whole account, as a client would read it before editing it offline. */
    @Operation(readOnly = true)
    @Roles({"teller", "auditor"})
    public Account account(Tx tx, String number) {
        return tx.get(Account.class, number);
    }

    /** Writes back an edited account: a stale {@code @Version} is an optimistic-lock conflict. */
    @Operation
    @Roles("teller")
    public long update(Tx tx, Account edited) {
        return tx.merge(edited).version;
    }

    @Operation(readOnly = true)
    @Roles({"teller", "auditor"})
    public List<String> accountsOf(Tx tx, String owner) {
        return tx.findBy(Account.class, "owner", owner).stream().map(a -> a.number).toList();
    }

    /** A read-only operation that (wrongly) writes: the store must refuse it. */
    @Operation(readOnly = true)
    @Roles("teller")
    public long sneakyInterest(Tx tx, String number) {
        Account a = tx.get(Account.class, number);
        a.balance += 1;
        return a.balance;
    }

    /** The agreed time and randomness this request saw. */
    @Operation
    @PermitAll
    public List<Long> stamp(Tx tx) {
        return List.of(tx.now().toEpochMilli(), tx.random().nextLong());
    }

    /** The time a read-only request sees. */
    @Operation(readOnly = true)
    @PermitAll
    public long clock(Tx tx) {
        return tx.now().toEpochMilli();
    }

    /** Who the replicas say the caller is. */
    @Operation(readOnly = true)
    @PermitAll
    public String whoAmI(Tx tx) {
        return tx.caller().principal();
    }

    private static void mayDebit(Caller caller, Account source) {
        if (!caller.hasRole("teller") && !caller.principal().equals(source.owner))
            throw new AccessDeniedException(caller.principal() + " may not debit account " + source.number + " of " + source.owner);
    }
}
