package io.bulwark.sample.bank;

import io.bulwark.store.annotation.Entity;
import io.bulwark.store.annotation.Id;
import io.bulwark.store.annotation.Version;
import jakarta.validation.constraints.PositiveOrZero;

/**
 * The bank's books (one entity, id {@link #ID}): every operation adds the net change it makes to the
 * accounts' balances to {@link #balances}, and a deposit adds its amount to {@link #deposits}. The class
 * constraint {@link Conserved} (checked on the replicas when an operation commits) says the two are equal:
 * the bank's total changes only by deposits, so an operation that creates or destroys money aborts.
 * {@link BankService#audit} checks the stronger fact that the accounts really sum to {@link #deposits}.
 */
@Entity
@Conserved
public class Ledger {
    public static final long ID = 1;

    @Id public long id;
    @PositiveOrZero public long deposits;
    @PositiveOrZero public long balances;
    @Version public long version;

    public Ledger() {}
}
