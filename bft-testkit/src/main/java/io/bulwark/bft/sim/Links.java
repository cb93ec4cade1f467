package io.bulwark.bft.sim;

import io.bulwark.bft.config.ClusterConfig;
import io.bulwark.bft.config.ProtocolConfig;
import io.bulwark.bft.crypto.CoProcessorException;
import io.bulwark.bft.crypto.DeterministicRandom;
import io.bulwark.bft.crypto.InMemoryCoProcessor;
import io.bulwark.bft.crypto.ShareCipher;
import io.bulwark.bft.crypto.Signatures;
import io.bulwark.bft.node.Endpoint;
import io.bulwark.bft.node.Inbound;
import java.util.ArrayList;
import java.util.List;

/** Makes the {@link Link} of each simulated principal. */
interface Links {
    Link link(int principal);

    /** Records passed as they are. */
    final class Plain implements Links {
        @Override public Link link(int principal) { return new PlainLink(principal); }
    }

    /**
     * Real frames and MACs. Key pairs come from the seed; every principal signs a NEW-KEY with an
     * in-memory co-processor and the others accept it through their endpoints before the run starts.
     */
    final class Wired implements Links {
        private final List<Endpoint> endpoints = new ArrayList<>();
        private final int n;

        Wired(ProtocolConfig cfg, int principals, long seed) {
            DeterministicRandom rnd = new DeterministicRandom(seed);
            this.n = cfg.n();
            byte[][] sign = new byte[principals][];
            byte[][] kex = new byte[principals][];
            List<ClusterConfig.Replica> replicas = new ArrayList<>();
            List<ClusterConfig.Client> clients = new ArrayList<>();
            for (int p = 0; p < principals; p++) {
                sign[p] = Signatures.newPrivateKey(rnd);
                kex[p] = ShareCipher.newPrivateKey(rnd);
                var keys = new ClusterConfig.PublicKeys(Signatures.publicKeyOf(sign[p]), ShareCipher.publicKeyOf(kex[p]));
                if (p < n) replicas.add(new ClusterConfig.Replica(p, "127.0.0.1", 1 + p, keys));
                else clients.add(new ClusterConfig.Client(p, keys));
            }
            ClusterConfig cluster = new ClusterConfig(cfg.f(), replicas, clients);
            for (int p = 0; p < principals; p++) {
                endpoints.add(Endpoint.create(p, cluster, cfg, kex[p], new InMemoryCoProcessor(sign[p]), rnd));
            }
            try {
                for (Endpoint from : endpoints) {
                    byte[] frame = from.newKeyFrame();
                    for (int j = 0; j < n; j++) {
                        if (j == from.self()) continue;
                        if (!(endpoints.get(j).open(frame, 0, frame.length) instanceof Inbound.KeyEstablished))
                            throw new IllegalStateException("NEW-KEY from " + from.self() + " rejected by " + j);
                    }
                }
            } catch (CoProcessorException e) {
                throw new IllegalStateException(e);
            }
        }

        @Override public Link link(int principal) { return new WireLink(endpoints.get(principal), n); }
    }
}
