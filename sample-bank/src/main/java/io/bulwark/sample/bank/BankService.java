package io.bulwark.sample.bank;

import io.bulwark.jakarta.ReadOnly;
import io.bulwark.jakarta.Replicated;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.Positive;
import jakarta.validation.constraints.Size;
import java.util.List;

/**
 * The bank's replicated operations: each call is one BFT request that every correct replica runs in one
 * store transaction, with the caller authenticated by the replicas (its BFT client id, mapped to a
 * principal and roles by the access policy). Roles: {@value #CUSTOMER} and {@value #TELLER}.
 * <p>
 * Who may do what (decided on the replicas): a teller opens accounts for anyone, takes deposits and moves
 * money out of any account; a customer opens accounts in their own name and moves money out of their own
 * accounts only ({@link NotYourAccountException}); a caller with neither role does nothing
 * ({@code AccessDeniedException}). Amounts are in cents.
 */
@Replicated
public interface BankService {
    String CUSTOMER = "customer";
    String TELLER = "teller";

    /** A new empty account of {@code owner} (a customer: only their own name). */
    Account open(@NotBlank @Size(max = 64) String owner, @NotBlank @Size(max = 64) String name);

    /** Cash paid in at the counter (tellers only): the only way the bank's total grows. */
    Account deposit(long account, @Positive long amount);

    /** Moves {@code amount} from one account to another: the owner of {@code from}, or a teller. */
    Transfer transfer(long from, long to, @Positive long amount);

    @ReadOnly
    Account account(long id);

    /** Every account, in id order (at most {@link BankServiceBean#MAX_LIST}). */
    @ReadOnly
    List<Account> accounts();

    /**
     * A page of {@code account}'s entries (deposits, transfers in and out), newest first, with ids below
     * {@code before} ({@link Long#MAX_VALUE} for the newest page; the last id of a page for the next), at most
     * {@code limit} (1..{@link BankServiceBean#MAX_HISTORY}), with the account as it stood: one read, one state.
     * Only entries the bank still keeps (its newest {@link BankServiceBean#HISTORY_KEPT}): older ones are retired.
     */
    @ReadOnly
    Statement statement(long account, long before, int limit);

    /**
     * The bank's page in one read: {@code owner}'s accounts (null: every account, at most
     * {@link BankServiceBean#MAX_LIST}), the newest {@code recent} transfers, the audit, and the newest
     * {@code entries} of {@code account}'s statement (null: none).
     */
    @ReadOnly
    Overview overview(@Size(max = 64) String owner, int recent, Long account, int entries);

    /** The latest transfers of the whole bank, newest first. */
    @ReadOnly
    List<Transfer> recentTransfers(int limit);

    /** The books and the accounts' sum recomputed: {@link Audit#balanced()} must hold. */
    @ReadOnly
    Audit audit();

    /** The principal the replicas authenticated this caller as. */
    @ReadOnly
    String whoAmI();
}
