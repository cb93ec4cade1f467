package io.bulwark.store.bench.store;

import io.bulwark.store.Tx;
import io.bulwark.store.access.PermitAll;
import io.bulwark.store.operation.Operation;
import java.util.List;

/**
 * The bench's bank as store operations. Every client of the bench's throwaway group may call them:
 * access control is not what this benchmark measures.
 */
@PermitAll
public class BenchBankOperations {
    /** Most accounts one {@code openAccounts} request creates, so requests and replies stay small. */
    public static final int MAX_OPEN_PER_CALL = 200;
    /** Most accounts one {@code sumBalances} request reads. */
    public static final int MAX_SUM_PER_CALL = 1000;

    /** Opens accounts {@code first..last} with {@code balance} each; returns how many. */
    @Operation
    public int openAccounts(Tx tx, long first, long last, long balance) {
        if (first < 1 || last < first || last - first >= MAX_OPEN_PER_CALL)
            throw new IllegalArgumentException("open 1.." + MAX_OPEN_PER_CALL + " accounts from id 1 on, not " + first + ".." + last);
        for (long id = first; id <= last; id++) tx.persist(new BenchAccount(id, "owner-" + id, balance));
        return (int) (last - first + 1);
    }

    /**
     * Read both accounts, update both; the overdraft is not checked here: the entity's {@code @Min(0)}
     * refuses it at commit, on every replica, as Hibernate's validation does at flush.
     */
    @Operation
    public long transfer(Tx tx, long from, long to, long amount) {
        if (amount <= 0) throw new IllegalArgumentException("amount must be positive: " + amount);
        if (from == to) throw new IllegalArgumentException("a transfer needs two accounts");
        BenchAccount source = tx.get(BenchAccount.class, from);
        BenchAccount target = tx.get(BenchAccount.class, to);
        source.balance -= amount;
        target.balance += amount;
        return source.balance;
    }

    /** One account's balance. */
    @Operation(readOnly = true)
    public long balance(Tx tx, long id) {
        return tx.get(BenchAccount.class, id).balance;
    }

    /**
     * The sum of the balances of accounts with ids from {@code fromId} on, reading at most
     * {@link #MAX_SUM_PER_CALL} of them, and where to continue: {@code [sum, count read, next id]}.
     */
    @Operation(readOnly = true)
    public List<Long> sumBalances(Tx tx, long fromId) {
        List<BenchAccount> page = tx.range(BenchAccount.class, "id", fromId, null, false, 0, MAX_SUM_PER_CALL);
        long sum = 0;
        for (BenchAccount a : page) sum = Math.addExact(sum, a.balance);
        long next = page.isEmpty() ? fromId : page.get(page.size() - 1).id + 1;
        return List.of(sum, (long) page.size(), next);
    }
}
