package io.bulwark.store.bench.hibernate;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.EnumType;
import jakarta.persistence.Enumerated;
import jakarta.persistence.GeneratedValue;
import jakarta.persistence.GenerationType;
import jakarta.persistence.Id;
import jakarta.persistence.Index;
import jakarta.persistence.Table;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Positive;
import java.time.Instant;

/**
 * The sample bank's {@code Transfer} (one history entry, written in the transaction that moves the money) as a
 * Hibernate user maps it: the same fields and constraints, the same two indexes (money into and out of an account),
 * its id from a sequence.
 */
@Entity(name = "Transfer")
@Table(name = "transfer", indexes = {@Index(columnList = "fromAccount"), @Index(columnList = "toAccount")})
public class JpaTransfer {
    public enum Kind { DEPOSIT, TRANSFER }

    @Id
    @GeneratedValue(strategy = GenerationType.SEQUENCE)
    private long id;

    @NotNull
    @Enumerated(EnumType.STRING)
    @Column(nullable = false, length = 8)
    private Kind kind;

    private Long fromAccount;

    private long toAccount;

    @Positive
    private long amount;

    @NotBlank
    @Column(name = "by_principal", nullable = false, length = 64)
    private String by;

    private Instant at;

    /** For Hibernate. */
    protected JpaTransfer() {}

    public JpaTransfer(Kind kind, Long fromAccount, long toAccount, long amount, String by, Instant at) {
        this.kind = kind;
        this.fromAccount = fromAccount;
        this.toAccount = toAccount;
        this.amount = amount;
        this.by = by;
        this.at = at;
    }

    public long id() { return id; }
}
