package io.bulwark.sample.bank;

import io.bulwark.store.annotation.Entity;
import io.bulwark.store.annotation.GeneratedValue;
import io.bulwark.store.annotation.Id;
import io.bulwark.store.annotation.Indexed;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Positive;
import java.time.Instant;

/**
 * One entry of the transfer history, written in the same transaction as the balances it moves: a deposit
 * ({@code fromAccount} null) or a transfer between two accounts. Never changed after it is written.
 */
@Entity
public class Transfer {
    @Id @GeneratedValue public long id;
    @NotNull public Kind kind;
    /** Null for a deposit. */
    @Indexed public Long fromAccount;
    @Indexed public long toAccount;
    /** In cents. */
    @Positive public long amount;
    /** The authenticated principal who made it. */
    @NotBlank public String by;
    /** The agreed time of the request. */
    public Instant at;

    public enum Kind { DEPOSIT, TRANSFER }

    public Transfer() {}
}
