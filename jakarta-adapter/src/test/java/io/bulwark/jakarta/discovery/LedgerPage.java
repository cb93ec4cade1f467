package io.bulwark.jakarta.discovery;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

/** A web-tier bean injecting the contract. */
@ApplicationScoped
public class LedgerPage {
    @Inject Ledger ledger;

    public Ledger ledger() { return ledger; }
}
