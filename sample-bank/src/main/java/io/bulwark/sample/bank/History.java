package io.bulwark.sample.bank;

import io.bulwark.store.access.Roles;
import jakarta.data.Limit;
import jakarta.data.repository.DataRepository;
import jakarta.data.repository.Repository;
import java.util.List;

/**
 * The transfer history as a Jakarta Data repository (Bulwark's provider): money into or out of one account, newest
 * first, paged by id ("older than {@code before}"; {@link Long#MAX_VALUE} for the newest page). Each query walks
 * one index ({@code toAccount} or {@code fromAccount}) in id order, so a page costs the same however many other
 * transfers the bank has. Both directions together, with the balance, are {@link BankService#statement}: one read.
 * Same access rule as the service's reads: a customer or a teller. Read-only for the same reason as
 * {@link Accounts}: a history entry is written only in the transaction that moves the money.
 */
@Repository(provider = "Bulwark")
@Roles({BankService.CUSTOMER, BankService.TELLER})
public interface History extends DataRepository<Transfer, Long> {
    /** Money into {@code toAccount} (deposits and transfers), ids below {@code before}, newest first. */
    List<Transfer> findByToAccountAndIdLessThanOrderByIdDesc(long toAccount, long before, Limit limit);

    /** Money out of {@code fromAccount}, ids below {@code before}, newest first. */
    List<Transfer> findByFromAccountAndIdLessThanOrderByIdDesc(Long fromAccount, long before, Limit limit);
}
