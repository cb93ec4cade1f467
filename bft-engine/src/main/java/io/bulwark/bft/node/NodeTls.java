package io.bulwark.bft.node;

import io.bulwark.bft.config.ClusterConfig;
import io.bulwark.bft.config.KeyMaterial;
import io.bulwark.bft.crypto.TlsKeys;
import io.bulwark.bft.net.TransportTls;
import java.security.KeyPair;
import java.security.SecureRandom;
import java.util.HashMap;
import java.util.Map;

/** The TLS identity of a node (issue 20): its TLS key and every principal's pinned key, from its key material. */
public final class NodeTls {
    /** Said to an operator whose configuration predates TLS. */
    public static final String NO_TLS_KEYS = "cluster.conf pins no TLS keys (it was made before TLS): make new keys with "
            + "'bulwark keygen', or turn TLS off on every process of the group ('tls = off' in cluster.conf, or --tls=off)";

    private NodeTls() {}

    /**
     * The transport's TLS for {@code keys}, or null if the configuration turns TLS off.
     *
     * @throws IllegalArgumentException if TLS is on but the configuration or key file has no TLS keys
     */
    public static TransportTls forKeys(KeyMaterial keys) { return forKeys(keys, Admission.ALL); }

    /**
     * As above, for a transport whose accepted connections admit {@code admission}'s principals only
     * (issue 15): a replica's peer listener completes a handshake only with a replica's pinned key,
     * its client listener only with a client's. Dialing is unchanged (the dialed principal's key only).
     */
    public static TransportTls forKeys(KeyMaterial keys, Admission admission) {
        ClusterConfig c = keys.config();
        if (!c.tls()) return null;
        if (!c.hasTlsKeys()) throw new IllegalArgumentException(NO_TLS_KEYS);
        if (keys.tlsPrivateKey() == null)
            throw new IllegalArgumentException("the key file of principal " + keys.id() + " has no 'tls = ...' key (made before TLS): "
                    + "make new keys with 'bulwark keygen', or turn TLS off on every process ('tls = off' or --tls=off)");
        Map<Integer, byte[]> pinned = new HashMap<>();
        for (ClusterConfig.Replica r : c.replicas()) pinned.put(r.id(), r.keys().tls());
        for (ClusterConfig.Client cl : c.clients()) pinned.put(cl.id(), cl.keys().tls());
        KeyPair pair = new KeyPair(TlsKeys.publicKey(c.keysOf(keys.id()).tls()), TlsKeys.privateKey(keys.tlsPrivateKey()));
        return new TransportTls(keys.id(), pair, pinned, p -> admission.admits(c, p), new SecureRandom());
    }
}
