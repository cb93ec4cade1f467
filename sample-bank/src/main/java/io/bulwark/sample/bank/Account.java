package io.bulwark.sample.bank;

import io.bulwark.store.annotation.Entity;
import io.bulwark.store.annotation.GeneratedValue;
import io.bulwark.store.annotation.Id;
import io.bulwark.store.annotation.Indexed;
import io.bulwark.store.annotation.Version;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.PositiveOrZero;
import jakarta.validation.constraints.Size;
import java.time.Instant;

/**
 * A bank account. Invariant, checked by Bean Validation on every replica when a transaction that touched
 * the account commits: the balance is never negative (an overdraft aborts the whole operation).
 */
@Entity
public class Account {
    @Id @GeneratedValue public long id;
    /** The principal (as the replicas authenticate callers) who may move money out of it. */
    @NotBlank @Size(max = 64) @Indexed public String owner;
    @NotBlank @Size(max = 64) public String name;
    /** In cents. */
    @PositiveOrZero public long balance;
    public Instant opened;
    @Version public long version;

    public Account() {}
}
