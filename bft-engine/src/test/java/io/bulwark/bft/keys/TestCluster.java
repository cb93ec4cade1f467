package io.bulwark.bft.keys;

import io.bulwark.bft.crypto.DeterministicRandom;
import io.bulwark.bft.crypto.InMemoryCoProcessor;
import io.bulwark.bft.crypto.SessionKeys;
import io.bulwark.bft.crypto.ShareCipher;
import io.bulwark.bft.crypto.Signatures;
import io.bulwark.bft.config.ClusterConfig;
import java.util.ArrayList;
import java.util.List;

/** An in-memory cluster with keys from a seed: f, n = 3f+1 replicas, some clients. */
final class TestCluster {
    final ClusterConfig config;
    final byte[][] sign;
    final byte[][] kex;
    final SessionKeys[] keys;
    final KeyExchange[] exchange;
    final InMemoryCoProcessor[] coProcessors;

    TestCluster(int f, int clients, long seed) {
        DeterministicRandom rnd = new DeterministicRandom(seed);
        int n = 3 * f + 1, total = n + clients;
        sign = new byte[total][];
        kex = new byte[total][];
        List<ClusterConfig.Replica> rs = new ArrayList<>();
        List<ClusterConfig.Client> cs = new ArrayList<>();
        for (int id = 0; id < total; id++) {
            sign[id] = Signatures.newPrivateKey(rnd);
            kex[id] = ShareCipher.newPrivateKey(rnd);
            var pub = new ClusterConfig.PublicKeys(Signatures.publicKeyOf(sign[id]), ShareCipher.publicKeyOf(kex[id]));
            if (id < n) rs.add(new ClusterConfig.Replica(id, "127.0.0.1", 1000 + id, pub));
            else cs.add(new ClusterConfig.Client(id, pub));
        }
        config = new ClusterConfig(f, rs, cs);
        keys = new SessionKeys[total];
        exchange = new KeyExchange[total];
        coProcessors = new InMemoryCoProcessor[total];
        for (int id = 0; id < total; id++) {
            keys[id] = new SessionKeys(id, n);
            coProcessors[id] = new InMemoryCoProcessor(sign[id]);
            exchange[id] = new KeyExchange(id, config, kex[id], coProcessors[id], keys[id], new DeterministicRandom(seed * 1000 + id));
        }
    }

    int total() { return keys.length; }
}
