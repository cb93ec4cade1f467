package io.bulwark.store.service.bank;

import io.bulwark.store.StoreDefinition;
import io.bulwark.store.access.AccessPolicy;

/** The bank store as replicas and clients build it (clients 4..7 of a 4-replica group). */
public final class BankDefinition {
    public static final int TELLER = 4, ALICE = 5, BOB = 6, AUDITOR = 7, STRANGER = 8;

    private BankDefinition() {}

    public static AccessPolicy policy() {
        return AccessPolicy.builder()
                .grant(TELLER, "tom", "teller")
                .grant(ALICE, "alice", "customer")
                .grant(BOB, "bob", "customer")
                .grant(AUDITOR, "ann", "auditor")
                .build();
    }

    public static StoreDefinition definition(AccessPolicy policy) {
        return StoreDefinition.builder().entities(Account.class).operations(new Bank(), new Vault()).accessPolicy(policy).build();
    }

    public static StoreDefinition definition() { return definition(policy()); }
}
