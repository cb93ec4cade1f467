package io.bulwark.jakarta.discovery;

import io.bulwark.jakarta.Replicated;

/** A contract whose implementation is not in this application (the replicas have it): seen only at an injection point. */
@Replicated
public interface Ledger {
    long balance(String account);
}
