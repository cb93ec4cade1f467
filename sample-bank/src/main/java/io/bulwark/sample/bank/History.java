package io.bulwark.sample.bank;

import io.bulwark.store.access.Roles;
import jakarta.data.Limit;
import jakarta.data.repository.DataRepository;
import jakarta.data.repository.Repository;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * The transfer history as a Jakarta Data repository (Bulwark's provider): read-only queries by account, newest
 * first, paged by id ("older than {@code before}"). Same access rule as {@link BankService#history}: a customer or
 * a teller. Read-only for the same reason as {@link Accounts}: a history entry is written only in the transaction
 * that moves the money.
 */
@Repository(provider = "Bulwark")
@Roles({BankService.CUSTOMER, BankService.TELLER})
public interface History extends DataRepository<Transfer, Long> {
    /** Most entries one {@link #of} call returns. */
    int MAX_PAGE = 200;

    /** Money into {@code toAccount} (deposits and transfers), ids below {@code before}, newest first. */
    List<Transfer> findByToAccountAndIdLessThanOrderByIdDesc(long toAccount, long before, Limit limit);

    /** Money out of {@code fromAccount}, ids below {@code before}, newest first. */
    List<Transfer> findByFromAccountAndIdLessThanOrderByIdDesc(Long fromAccount, long before, Limit limit);

    /**
     * The newest {@code limit} entries of {@code account} with ids below {@code before} (use {@link Long#MAX_VALUE}
     * for the newest page; the last id of a page for the next): both queries go by an index, and the first
     * {@code limit} of each hold the first {@code limit} of their union. Runs on the client (a default method).
     */
    default List<Transfer> of(long account, long before, int limit) {
        if (limit < 1 || limit > MAX_PAGE) throw new IllegalArgumentException("limit must be 1.." + MAX_PAGE + ", not " + limit);
        List<Transfer> out = new ArrayList<>(findByToAccountAndIdLessThanOrderByIdDesc(account, before, Limit.of(limit)));
        out.addAll(findByFromAccountAndIdLessThanOrderByIdDesc(account, before, Limit.of(limit)));
        out.sort(Comparator.comparingLong((Transfer t) -> t.id).reversed());
        return out.size() > limit ? List.copyOf(out.subList(0, limit)) : out;
    }
}
