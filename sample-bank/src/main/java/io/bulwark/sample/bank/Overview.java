package io.bulwark.sample.bank;

import java.util.List;

/**
 * Everything the bank's page shows at once (the answer of {@link BankService#overview}), read in one transaction:
 * the accounts, the newest transfers, the audit and, when one is asked for, an account's statement. Separate reads
 * could each be right and still disagree with each other (a transfer in the list whose balances are not yet in
 * the accounts); one read cannot.
 */
public record Overview(List<Account> accounts, List<Transfer> recent, Audit audit, Statement statement) {}
