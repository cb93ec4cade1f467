package io.bulwark.store.bench.hibernate;

import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import jakarta.persistence.Version;
import jakarta.validation.constraints.AssertTrue;
import jakarta.validation.constraints.PositiveOrZero;

/**
 * The sample bank's {@code Ledger} (the books, one row) as a Hibernate user maps it: every operation adds the net
 * change it makes to the balances, a deposit adds its amount to the deposits, and Bean Validation refuses a flush where
 * the two differ (the bank's {@code @Conserved}).
 */
@Entity(name = "Ledger")
@Table(name = "ledger")
public class JpaLedger {
    public static final long ID = 1;

    @Id
    private long id;

    @PositiveOrZero
    private long deposits;

    @PositiveOrZero
    private long balances;

    @Version
    private long version;

    /** For Hibernate. */
    protected JpaLedger() {}

    public JpaLedger(long deposits) {
        this.id = ID;
        this.deposits = deposits;
        this.balances = deposits;
    }

    /** The bank's total changes only by deposits. */
    @AssertTrue(message = "the bank's total must change only by deposits")
    public boolean isConserved() { return balances == deposits; }

    /** Adds the net change an operation made to the balances. */
    public void addToBalances(long delta) { balances = Math.addExact(balances, delta); }

    public long deposits() { return deposits; }

    public long balances() { return balances; }
}
