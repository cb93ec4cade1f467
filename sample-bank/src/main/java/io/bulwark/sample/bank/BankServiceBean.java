package io.bulwark.sample.bank;

import io.bulwark.jakarta.replica.AgreedClock;
import io.bulwark.jakarta.replica.CurrentCaller;
import io.bulwark.store.BadRequestException;
import io.bulwark.store.Tx;
import io.bulwark.store.access.Roles;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * What every replica runs for {@link BankService} (in the WAR, client mode vetoes it and injects a proxy).
 * The invariants live on the entities and are checked when the transaction commits, on the replicas:
 * {@link Account#balance} {@code @PositiveOrZero} (no overdraft) and {@link Ledger}'s {@link Conserved}
 * (money is created only by deposits). Access is decided here from {@link CurrentCaller}, which is the
 * BFT client whose MACs the replicas checked, never a name the request carries.
 */
@ApplicationScoped
@Roles({BankService.CUSTOMER, BankService.TELLER})
public class BankServiceBean implements BankService {
    /** Most accounts {@link #accounts()} returns. */
    public static final int MAX_LIST = 500;
    /** Most transfers a history or recent list returns. */
    public static final int MAX_HISTORY = 200;
    /**
     * Entries of the transfer history the bank keeps: the newest 50,000, about 2,700 of the state's 4 KB pages (an
     * entry with its three index keys takes about 220 bytes: 38,212 unbounded transfers filled 2,048 pages). Each
     * new entry retires those older than that in the same transaction, so the history is bounded and the bank never
     * stops with "state full" however many transfers it makes (unbounded, the demo's 16,384 pages filled after about
     * 300,000). Balances, the books and the audit never depend on the history.
     */
    public static final long HISTORY_KEPT = 50_000;
    /** Most old entries one operation retires: one is the steady state; two let a longer history shrink back. */
    static final int RETIRED_PER_ENTRY = 2;
    private static final int AUDIT_PAGE = 256;

    @Inject Tx tx;
    @Inject AgreedClock clock;
    @Inject CurrentCaller caller;

    @Override public Account open(String owner, String name) {
        if (!caller.hasRole(TELLER) && !owner.equals(caller.principal()))
            throw new NotYourAccountException(caller.principal() + " may open accounts only in their own name, not " + owner + "'s");
        Account a = new Account();
        a.owner = owner;
        a.name = name;
        a.opened = clock.instant();
        tx.persist(a);
        ledger();   // the books exist from the first account on
        return a;
    }

    @Override @Roles(TELLER)
    public Account deposit(long account, long amount) {
        Account a = tx.get(Account.class, account);
        a.balance = Math.addExact(a.balance, amount);
        Ledger l = ledger();
        l.deposits = Math.addExact(l.deposits, amount);
        l.balances = Math.addExact(l.balances, amount);
        record(Transfer.Kind.DEPOSIT, null, account, amount);
        return a;
    }

    @Override public Transfer transfer(long from, long to, long amount) {
        if (from == to) throw new BadRequestException("a transfer needs two different accounts");
        Account source = tx.get(Account.class, from);
        if (!caller.hasRole(TELLER) && !source.owner.equals(caller.principal()))
            throw new NotYourAccountException("account " + from + " is " + source.owner + "'s: " + caller.principal() + " may not move money out of it");
        Account target = tx.get(Account.class, to);
        long debit = -amount, credit = amount;
        source.balance += debit;                        // below zero: @PositiveOrZero aborts the operation at commit
        target.balance = Math.addExact(target.balance, credit);
        // The books take the net change (zero for a transfer); @Conserved refuses the commit if it is not.
        Ledger l = ledger();
        l.balances = Math.addExact(l.balances, debit + credit);
        return record(Transfer.Kind.TRANSFER, from, to, amount);
    }

    @Override public Account account(long id) { return tx.get(Account.class, id); }

    @Override public List<Account> accounts() { return tx.range(Account.class, "id", null, null, false, 0, MAX_LIST); }

    @Override public Statement statement(long account, long before, int limit) {
        if (limit < 1 || limit > MAX_HISTORY) throw new BadRequestException("limit must be 1.." + MAX_HISTORY + ", not " + limit);
        Account a = tx.get(Account.class, account);   // NotFoundException for an account that does not exist
        // Two index walks, each newest first from `before`, each O(log n + limit): the first `limit` of each hold
        // the first `limit` of their union.
        List<Transfer> out = new ArrayList<>(tx.findByAfter(Transfer.class, "toAccount", account, true, before, limit));
        out.addAll(tx.findByAfter(Transfer.class, "fromAccount", account, true, before, limit));
        out.sort(Comparator.comparingLong((Transfer t) -> t.id).reversed());
        return new Statement(a, out.size() > limit ? List.copyOf(out.subList(0, limit)) : out);
    }

    @Override public Overview overview(String owner, int recent, Long account, int entries) {
        List<Account> list = owner == null ? accounts() : tx.findByAfter(Account.class, "owner", owner, false, null, MAX_LIST);
        return new Overview(list, recentTransfers(recent), audit(), account == null ? null : statement(account, Long.MAX_VALUE, entries));
    }

    @Override public List<Transfer> recentTransfers(int limit) {
        if (limit < 1 || limit > MAX_HISTORY) throw new BadRequestException("limit must be 1.." + MAX_HISTORY + ", not " + limit);
        return tx.range(Transfer.class, "id", null, null, true, 0, limit);
    }

    @Override public Audit audit() {
        long sum = 0, count = 0;
        Long after = null;
        while (true) {   // keyset paging: each page costs the same wherever it is
            List<Account> page = tx.rangeAfter(Account.class, "id", null, null, false, after, after, AUDIT_PAGE);
            for (Account a : page) sum = Math.addExact(sum, a.balance);
            count += page.size();
            if (page.size() < AUDIT_PAGE) break;
            after = page.get(page.size() - 1).id;
        }
        Ledger l = tx.find(Ledger.class, Ledger.ID);
        return l == null ? new Audit(0, 0, sum, count) : new Audit(l.deposits, l.balances, sum, count);
    }

    @Override public String whoAmI() { return caller.principal(); }

    /**
     * How many entries of the history this bank keeps ({@link #HISTORY_KEPT}). Part of the replicated state
     * machine: every replica must run the same value, so it is code, not configuration (a test's subclass changes
     * it to watch the retirement happen).
     */
    protected long historyKept() { return HISTORY_KEPT; }

    /** The books, created on first use. */
    private Ledger ledger() {
        Ledger l = tx.find(Ledger.class, Ledger.ID);
        if (l == null) {
            l = new Ledger();
            l.id = Ledger.ID;
            tx.persist(l);
        }
        return l;
    }

    private Transfer record(Transfer.Kind kind, Long from, long to, long amount) {
        Transfer t = new Transfer();
        t.kind = kind;
        t.fromAccount = from;
        t.toAccount = to;
        t.amount = amount;
        t.by = caller.principal();
        t.at = clock.instant();
        tx.persist(t);
        retireOlderThanKept(t.id);
        return t;
    }

    /**
     * Removes up to {@link #RETIRED_PER_ENTRY} of the oldest entries that fall outside the newest
     * {@link #historyKept()} once {@code newest} is written. Walks the id index from its start, O(log n): entry ids
     * come from a sequence, so the oldest are first; gaps in the ids change nothing.
     */
    private void retireOlderThanKept(long newest) {
        long keepFrom = newest - historyKept() + 1;
        if (keepFrom <= 1) return;
        for (Transfer old : tx.range(Transfer.class, "id", null, keepFrom, false, 0, RETIRED_PER_ENTRY)) tx.remove(old);
    }
}
