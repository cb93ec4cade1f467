package io.bulwark.store.service.bank;

import io.bulwark.store.Tx;
import io.bulwark.store.operation.Operation;

/** Operations that declare no access rule (neither on the method nor the class): denied to everyone by default. */
public class Vault {
    @Operation
    public void closeBank(Tx tx) {
        throw new IllegalStateException("must never run: no access rule is declared");
    }
}
