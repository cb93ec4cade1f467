package io.bulwark.sample.bank;

import io.bulwark.store.access.Roles;
import jakarta.data.Limit;
import jakarta.data.page.Page;
import jakarta.data.page.PageRequest;
import jakarta.data.repository.By;
import jakarta.data.repository.DataRepository;
import jakarta.data.repository.Find;
import jakarta.data.repository.OrderBy;
import jakarta.data.repository.Repository;
import java.util.List;
import java.util.Optional;

/**
 * The accounts as a Jakarta Data repository, implemented by Bulwark's provider: each call is one read-only BFT
 * request the replicas answer from the store (2f+1 matching replies), with the same access rule as
 * {@link BankService}'s reads, checked on the replicas: a customer or a teller, nobody else.
 * <p>
 * Read-only on purpose: it extends {@link DataRepository}, not {@code CrudRepository}. Its methods are the only
 * operations the replicas register for it, so a client that skips the proxy cannot use it to write an account
 * (a {@code save} would set a balance without the {@link Ledger}, creating money the {@link Conserved} check never
 * sees). Money moves only through {@link BankService}.
 */
@Repository(provider = "Bulwark")
@Roles({BankService.CUSTOMER, BankService.TELLER})
public interface Accounts extends DataRepository<Account, Long> {
    /** Every account in id order, a page at a time (the page size is bounded by the provider's limit). */
    @Find
    @OrderBy("id")
    Page<Account> all(PageRequest page);

    /** {@code owner}'s accounts in id order ({@code owner} is indexed: no scan). */
    @Find
    @OrderBy("id")
    List<Account> ownedBy(@By("owner") String owner, Limit limit);

    @Find
    Optional<Account> byId(@By(By.ID) long id);
}
