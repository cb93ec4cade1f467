package io.bulwark.bft.keys;

import io.bulwark.bft.crypto.CoProcessor;
import io.bulwark.bft.crypto.CoProcessorException;
import io.bulwark.bft.crypto.MacAlgorithm;
import io.bulwark.bft.crypto.SessionKeys;
import io.bulwark.bft.crypto.ShareCipher;
import io.bulwark.bft.crypto.SignedCounter;
import io.bulwark.bft.config.ClusterConfig;
import io.bulwark.bft.msg.NewKey;
import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * NEW-KEY (section 4.1) for one principal: {@code <NEW-KEY, i, ..., {k_{j,i}}_{eps_j}, ..., t>_{sigma_i}}.
 * <ul>
 *   <li>{@link #createNewKey}: fresh session keys for every receiver (a replica: the other
 *       replicas, each key k_{j,i} for j's messages TO us; a client: every replica, one key for both
 *       directions), each sealed to the receiver's X25519 key with sender, receiver and counter as
 *       associated data, signed by the co-processor; the keys are installed in our ring as
 *       receive keys (replica) or pair keys (client).</li>
 *   <li>{@link #accept}: verifies a peer's NEW-KEY (fresh counter, signature, our share) and
 *       installs the share as our send key to that replica, or the pair key for that client.</li>
 * </ul>
 * The caller (node or core) must, after {@link #createNewKey}, discard log messages that are not
 * part of a complete certificate (section 4.1, "equally fresh"); this class only manages keys.
 * Not thread-safe.
 */
public final class KeyExchange {
    private static final byte[] DOMAIN = "bulwark-newkey-sig-v1".getBytes(StandardCharsets.US_ASCII);

    private final int self;
    private final ClusterConfig config;
    private final byte[] kexPrivateKey;
    /** Our X25519 public key, checked against {@link #kexPrivateKey} in the constructor. */
    private final byte[] kexPublicKey;
    private final CoProcessor coProcessor;
    private final SessionKeys keys;
    private final SecureRandom random;
    private final Map<Integer, Long> lastCounter = new HashMap<>();

    public KeyExchange(int self, ClusterConfig config, byte[] kexPrivateKey, CoProcessor coProcessor,
                       SessionKeys keys, SecureRandom random) {
        this.self = self;
        this.config = Objects.requireNonNull(config);
        this.coProcessor = Objects.requireNonNull(coProcessor);
        this.keys = Objects.requireNonNull(keys);
        this.random = Objects.requireNonNull(random);
        ClusterConfig.PublicKeys mine = config.keysOf(self);
        if (mine == null) throw new IllegalArgumentException("principal " + self + " is not in the configuration");
        if (keys.self() != self) throw new IllegalArgumentException("session keys belong to " + keys.self() + ", not " + self);
        if (!Arrays.equals(ShareCipher.publicKeyOf(kexPrivateKey), mine.keyExchange()))
            throw new IllegalArgumentException("key-exchange private key does not match principal " + self + "'s public key");
        if (!Arrays.equals(coProcessor.publicKey(), mine.signing()))
            throw new IllegalArgumentException("co-processor key does not match principal " + self + "'s public signing key");
        this.kexPrivateKey = kexPrivateKey.clone();
        this.kexPublicKey = mine.keyExchange().clone();
    }

    public int self() { return self; }

    /** Counter of the last NEW-KEY accepted from {@code sender}, or 0. */
    public long lastCounterFrom(int sender) { return lastCounter.getOrDefault(sender, 0L); }

    /**
     * The last accepted counter per sender, for the node to persist. After a restart without it, an
     * old NEW-KEY replayed by the network would be accepted again (installing a stale key), so a
     * node should save this after each {@link NewKeyResult#ACCEPTED} and restore it on start.
     */
    public Map<Integer, Long> lastCounters() { return Map.copyOf(lastCounter); }

    /** Forgets the key shared with {@code peer} (a client whose key was not refreshed in time, section 4.1); its counter stays. */
    public void discardKey(int peer) { keys.discard(peer); }

    /** Restores {@link #lastCounters()}; never lowers a counter already known. */
    public void restoreLastCounters(Map<Integer, Long> counters) {
        counters.forEach((sender, counter) -> lastCounter.merge(sender, counter, Math::max));
    }

    /** The receivers of our NEW-KEY: every replica but us (clients never receive one). */
    private List<Integer> receivers() {
        List<Integer> r = new ArrayList<>();
        for (int j = 0; j < config.n(); j++) if (j != self) r.add(j);
        return r;
    }

    /**
     * Builds and signs our NEW-KEY with fresh keys and installs them. The co-processor persists its
     * counter before signing; if that fails nothing is installed and the exception propagates (the
     * node must stop: it cannot prove freshness any more).
     */
    public NewKey createNewKey() throws CoProcessorException {
        List<Integer> receivers = receivers();
        byte[][] fresh = new byte[receivers.size()][];
        for (int k = 0; k < fresh.length; k++) {
            fresh[k] = new byte[MacAlgorithm.KEY_LENGTH];
            random.nextBytes(fresh[k]);
        }
        List<NewKey.KeyShare> shares = new ArrayList<>();
        SignedCounter signed = coProcessor.sign(t -> {
            for (int k = 0; k < fresh.length; k++) {
                int j = receivers.get(k);
                byte[] ct = ShareCipher.seal(config.keysOf(j).keyExchange(), self, j, t, fresh[k], random);
                shares.add(new NewKey.KeyShare(j, ct));
            }
            return signedPayload(self, shares);
        });
        boolean replica = config.isReplica(self);
        for (int k = 0; k < fresh.length; k++) {
            if (replica) keys.installReceiveKey(receivers.get(k), fresh[k], signed.counter());
            else keys.installPairKey(receivers.get(k), fresh[k], signed.counter());
            Arrays.fill(fresh[k], (byte) 0);
        }
        return new NewKey(self, signed.counter(), List.copyOf(shares), signed.signature());
    }

    /** Verifies {@code m} and installs the key it carries for us. Never throws on hostile input. */
    public NewKeyResult accept(NewKey m) {
        if (m == null || m.shares() == null || m.signature() == null) return NewKeyResult.MALFORMED;
        int sender = m.sender();
        if (sender == self) return NewKeyResult.FROM_SELF;
        ClusterConfig.PublicKeys senderKeys = config.keysOf(sender);
        if (senderKeys == null) return NewKeyResult.UNKNOWN_SENDER;
        // Only a client's or a replica's NEW-KEY to a replica carries keys; replicas never send keys to clients.
        if (!config.isReplica(self)) return NewKeyResult.WRONG_PRINCIPAL_KIND;
        if (m.counter() < 1 || m.shares().size() > config.principalCount()) return NewKeyResult.MALFORMED;
        // Cheap freshness check first so replays cost no signature verification.
        long last = lastCounterFrom(sender);
        // The same NEW-KEY again is a duplicate once its key is installed; not before: after a restart
        // the counters come back from the data dir but the keys do not, and the sender's current
        // NEW-KEY (the one we accepted last) must install its key again.
        if (m.counter() == last && keys.sendEpoch(sender) == last) return NewKeyResult.DUPLICATE;
        if (m.counter() < last) return NewKeyResult.STALE_COUNTER;

        NewKey.KeyShare mine = null;
        java.util.Set<Integer> seen = new java.util.HashSet<>();
        for (NewKey.KeyShare s : m.shares()) {
            if (s == null || s.ciphertext() == null || !seen.add(s.receiver())) return NewKeyResult.MALFORMED;
            if (s.receiver() == self) mine = s;
        }
        if (!CoProcessor.verify(senderKeys.signing(), signedPayload(sender, m.shares()), m.counter(), m.signature()))
            return NewKeyResult.BAD_SIGNATURE;
        if (mine == null) return NewKeyResult.NO_SHARE_FOR_US;
        if (mine.ciphertext().length != ShareCipher.CIPHERTEXT_LENGTH) return NewKeyResult.MALFORMED_SHARE;
        byte[] key = ShareCipher.open(kexPrivateKey, kexPublicKey, sender, self, m.counter(), mine.ciphertext());
        if (key == null) return NewKeyResult.DECRYPTION_FAILED;

        if (config.isReplica(sender)) keys.installSendKey(sender, key, m.counter());
        else keys.installPairKey(sender, key, m.counter());
        Arrays.fill(key, (byte) 0);
        lastCounter.put(sender, m.counter());
        return NewKeyResult.ACCEPTED;
    }

    /**
     * The bytes the co-processor signs (it appends the counter): a domain tag, the sender, and every
     * share (receiver, length, ciphertext) in message order. Unambiguous: all lengths are explicit.
     */
    public static byte[] signedPayload(int sender, List<NewKey.KeyShare> shares) {
        try {
            ByteArrayOutputStream bytes = new ByteArrayOutputStream(32 + shares.size() * 80);
            DataOutputStream out = new DataOutputStream(bytes);
            out.write(DOMAIN);
            out.writeInt(sender);
            out.writeInt(shares.size());
            for (NewKey.KeyShare s : shares) {
                out.writeInt(s.receiver());
                out.writeInt(s.ciphertext().length);
                out.write(s.ciphertext());
            }
            return bytes.toByteArray();
        } catch (IOException e) {
            throw new IllegalStateException(e); // in-memory stream
        }
    }
}
