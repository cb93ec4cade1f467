package io.bulwark.store.service.bank;

import io.bulwark.store.annotation.Entity;
import io.bulwark.store.annotation.Id;
import io.bulwark.store.annotation.Indexed;
import io.bulwark.store.annotation.Version;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotBlank;

/** A bank account: its balance may never go below zero, whatever a client sends. */
@Entity
public class Account {
    @Id public String number;
    @NotBlank @Indexed public String owner;
    @Min(0) public long balance;
    @Version public long version;

    public Account() {}

    public Account(String number, String owner, long balance) {
        this.number = number;
        this.owner = owner;
        this.balance = balance;
    }
}
