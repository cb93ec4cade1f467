package io.bulwark.store.tx;

import io.bulwark.store.annotation.Entity;
import io.bulwark.store.annotation.GeneratedValue;
import io.bulwark.store.annotation.Id;
import io.bulwark.store.annotation.Indexed;
import io.bulwark.store.annotation.Transient;
import io.bulwark.store.annotation.Version;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Size;

/** A test entity with a generated id, a version, a unique and a non-unique index, and invariants. */
@Entity(name = "Account")
public class Account {
    @Id @GeneratedValue long id;
    @Version long version;
    @Indexed(unique = true) @Size(max = 40) String email;
    @Indexed @NotNull String owner;
    @Min(0) long balance;
    @Transient String scratch;

    Account() {}

    Account(String email, String owner, long balance) {
        this.email = email;
        this.owner = owner;
        this.balance = balance;
    }
}
