package io.bulwark.bft.sim;

import io.bulwark.bft.crypto.Signatures;
import java.util.Arrays;

/**
 * The simulated replicas' co-processor keys (section 4.1): fixed per replica id, so runs replay
 * from their seed. Every core gets all the public keys ({@code Replica.coProcessorKeys}), as a node
 * gets them from cluster.conf; the private key stays in its replica's co-processor — the
 * compromised-replica adversary never has it (the paper's model), only session keys.
 */
final class SimCoProcessors {
    private SimCoProcessors() {}

    /** Replica {@code id}'s co-processor signing key. */
    static byte[] privateKey(int id) {
        byte[] k = new byte[Signatures.KEY_LENGTH];
        Arrays.fill(k, (byte) 0x5C);
        k[0] = (byte) id;
        k[1] = (byte) (id >>> 8);
        return k;
    }

    /** The public keys of replicas 0..n-1. */
    static byte[][] publicKeys(int n) {
        byte[][] keys = new byte[n][];
        for (int i = 0; i < n; i++) keys[i] = Signatures.publicKeyOf(privateKey(i));
        return keys;
    }
}
