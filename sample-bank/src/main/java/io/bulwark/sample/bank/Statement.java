package io.bulwark.sample.bank;

import java.util.List;

/**
 * One page of an account's statement (the answer of {@link BankService#statement}): the account as it stood and its
 * entries — deposits, transfers in and out — newest first, all read in one transaction, so the balance and the
 * entries are of the same state.
 */
public record Statement(Account account, List<Transfer> entries) {}
