package io.bulwark.store.bench.store;

import io.bulwark.store.annotation.Entity;
import io.bulwark.store.annotation.Id;
import io.bulwark.store.annotation.Version;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotBlank;

/** The store's account in the bench: the same fields and invariant as the Hibernate baseline's. */
@Entity(name = "Account")
public class BenchAccount {
    @Id public long id;
    @NotBlank public String owner;
    @Min(0) public long balance;
    @Version public long version;

    public BenchAccount() {}

    public BenchAccount(long id, String owner, long balance) {
        this.id = id;
        this.owner = owner;
        this.balance = balance;
    }
}
