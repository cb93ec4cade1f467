package io.bulwark.store.bench.hibernate;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Index;
import jakarta.persistence.Table;
import jakarta.persistence.Version;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.PositiveOrZero;
import jakarta.validation.constraints.Size;
import java.time.Instant;

/**
 * The sample bank's {@code Account} as a Hibernate user maps it: the same fields and constraints (the balance
 * {@code @PositiveOrZero}, which Hibernate Validator checks at flush as the store checks it at commit), with JPA's
 * annotations in place of the store's. Opened with the ids the bench picks from.
 */
@Entity(name = "Account")
@Table(name = "account", indexes = @Index(columnList = "owner"))
public class JpaAccount {
    @Id
    private long id;

    @NotBlank @Size(max = 64)
    @Column(nullable = false, length = 64)
    private String owner;

    @NotBlank @Size(max = 64)
    @Column(nullable = false, length = 64)
    private String name;

    /** In cents. */
    @PositiveOrZero
    private long balance;

    private Instant opened;

    @Version
    private long version;

    /** For Hibernate. */
    protected JpaAccount() {}

    public JpaAccount(long id, String owner, String name, long balance, Instant opened) {
        this.id = id;
        this.owner = owner;
        this.name = name;
        this.balance = balance;
        this.opened = opened;
    }

    public long id() { return id; }

    public String owner() { return owner; }

    public long balance() { return balance; }

    public long version() { return version; }

    /** Adds {@code delta} (negative to withdraw); a negative result is caught by validation at flush. */
    public void add(long delta) { balance = Math.addExact(balance, delta); }
}
