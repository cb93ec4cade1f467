package io.bulwark.bft.sim;

import io.bulwark.bft.config.ClusterConfig;
import io.bulwark.bft.config.ProtocolConfig;
import io.bulwark.bft.crypto.CoProcessorException;
import io.bulwark.bft.crypto.DeterministicRandom;
import io.bulwark.bft.crypto.InMemoryCoProcessor;
import io.bulwark.bft.crypto.ShareCipher;
import io.bulwark.bft.crypto.Signatures;
import io.bulwark.bft.node.Channel;
import io.bulwark.bft.node.ChannelGuard;
import io.bulwark.bft.node.ChannelVerdict;
import io.bulwark.bft.node.Endpoint;
import io.bulwark.bft.node.Inbound;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Map;
import java.util.List;

/** Makes the {@link Link} of each simulated principal. */
interface Links {
    Link link(int principal);

    /** What the network captured of {@code victim}'s handshake with replica {@code target}, to replay; empty if nothing. */
    default List<Object> captured(int victim, int target) { return List.of(); }

    /**
     * A new process of {@code principal} after a reboot (section 4.4): a link with no session keys
     * but the same long-term keys and co-processor (its counter goes on), and the NEW-KEY counters
     * accepted by {@code old} (saved in the data dir). The old link, with the old session keys, is
     * left to whoever holds it. Null where links model no keys.
     */
    default Link reboot(int principal, Link old) { return null; }

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
        private final List<ChannelGuard> guards = new ArrayList<>();
        /** Per (victim, target replica): the victim's NEW-KEY and the proof it made binding a link to the target. */
        private final Map<Long, List<Object>> handshakes = new HashMap<>();
        private final int n;
        /** What a reboot needs to make a new endpoint: the long-term keys and co-processors stay. */
        private final ClusterConfig cluster;
        private final ProtocolConfig cfg;
        private final byte[][] kexKeys;
        private final List<InMemoryCoProcessor> coProcessors = new ArrayList<>();
        private final DeterministicRandom random;

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
            this.cluster = cluster;
            this.cfg = cfg;
            this.kexKeys = kex;
            this.random = rnd;
            for (int p = 0; p < principals; p++) {
                coProcessors.add(new InMemoryCoProcessor(sign[p]));
                endpoints.add(Endpoint.create(p, cluster, cfg, kex[p], coProcessors.get(p), rnd));
                guards.add(new ChannelGuard(endpoints.get(p), rnd::nextLong));
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
                // Every principal binds a link to every replica through the real handshake (so the
                // binding code runs for every pair), and the network keeps what it saw, to replay.
                for (int v = 0; v < principals; v++) {
                    for (int t = 0; t < n; t++) {
                        if (t != v) handshakes.put(key(v, t), handshake(v, t));
                    }
                }
            } catch (CoProcessorException e) {
                throw new IllegalStateException(e);
            }
        }

        private List<Object> handshake(int v, int t) throws CoProcessorException {
            ChannelGuard acceptor = guards.get(t), dialer = guards.get(v);
            Channel a = acceptor.accepted(), d = dialer.dialed(t);
            byte[] newKey = endpoints.get(v).newKeyFrame();
            List<byte[]> toDialer = new ArrayList<>(List.of(acceptor.challengeFrame(a)));
            if (step(acceptor, a, newKey) instanceof ChannelVerdict.Reply r) toDialer.add(r.frame());
            byte[] proof = null;
            for (byte[] f : toDialer) if (step(dialer, d, f) instanceof ChannelVerdict.Bind b) proof = b.first();
            if (proof == null || !(step(acceptor, a, proof) instanceof ChannelVerdict.Bind b && b.principal() == v))
                throw new IllegalStateException("principal " + v + " could not bind a link to replica " + t);
            return List.of(newKey, proof);
        }

        private static ChannelVerdict step(ChannelGuard g, Channel ch, byte[] f) { return g.onFrame(ch, f, 0, f.length); }

        private static long key(int victim, int target) { return (long) victim << 32 | target; }

        @Override public List<Object> captured(int victim, int target) { return handshakes.getOrDefault(key(victim, target), List.of()); }

        @Override public Link link(int principal) { return new WireLink(guards.get(principal), n); }

        @Override public Link reboot(int principal, Link old) {
            Endpoint fresh = Endpoint.create(principal, cluster, cfg, kexKeys[principal], coProcessors.get(principal), random);
            fresh.restoreNewKeyCounters(((WireLink) old).endpoint().lastNewKeyCounters());
            ChannelGuard guard = new ChannelGuard(fresh, random::nextLong);
            endpoints.set(principal, fresh);
            guards.set(principal, guard);
            return new WireLink(guard, n);
        }
    }
}
