package io.bulwark.store.bench.hibernate;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import jakarta.persistence.Version;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotNull;

/**
 * The baseline's account: a plain JPA entity, as a user of Hibernate would write it. The balance
 * invariant is a Bean Validation constraint that Hibernate checks at flush, like the store's.
 */
@Entity(name = "Account")
@Table(name = "account")
public class JpaAccount {
    @Id
    private long id;

    @NotNull
    @Column(nullable = false, length = 64)
    private String owner;

    @Min(0)
    private long balance;

    @Version
    private long version;

    /** For Hibernate. */
    protected JpaAccount() {}

    public JpaAccount(long id, String owner, long balance) {
        this.id = id;
        this.owner = owner;
        this.balance = balance;
    }

    public long id() { return id; }

    public String owner() { return owner; }

    public long balance() { return balance; }

    public long version() { return version; }

    /** Adds {@code delta} (negative to withdraw); a negative result is caught by validation at flush. */
    public void add(long delta) { balance = Math.addExact(balance, delta); }
}
