package io.bulwark.store.service;

import io.bulwark.store.annotation.Entity;
import io.bulwark.store.annotation.Id;

/** The bank's "Account" entity name with another shape: a replica built with it must not read the bank's records. */
@Entity(name = "Account")
public class ConflictingAccount {
    @Id public String number;
    public int balance;

    public ConflictingAccount() {}
}
