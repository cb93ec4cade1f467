package io.bulwark.bft.crypto;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.util.Arrays;
import javax.crypto.Cipher;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;
import org.bouncycastle.crypto.agreement.X25519Agreement;
import org.bouncycastle.crypto.digests.SHA256Digest;
import org.bouncycastle.crypto.generators.HKDFBytesGenerator;
import org.bouncycastle.crypto.params.HKDFParameters;
import org.bouncycastle.crypto.params.X25519PrivateKeyParameters;
import org.bouncycastle.crypto.params.X25519PublicKeyParameters;

/**
 * Encrypts one session key to one receiver's X25519 public key, HPKE-style (RFC 9180 base mode
 * in spirit, not wire-compatible): a fresh ephemeral X25519 key, HKDF-SHA256 over the shared
 * secret with the ephemeral and receiver public keys in the info, AES-128-GCM. The associated
 * data binds sender, receiver and the NEW-KEY counter, so a share cannot be moved to another
 * receiver, sender or NEW-KEY without failing authentication (section 4.1: {k_{j,i}}_{epsilon_j}).
 * Each ephemeral key encrypts exactly one message, so the derived GCM nonce is never reused.
 *
 * <p>Ciphertext: {@code ephemeralPublic(32) || AES-GCM(sessionKey)(16) || tag(16)} = 64 bytes.
 */
public final class ShareCipher {
    public static final int KEY_LENGTH = 32;
    public static final int CIPHERTEXT_LENGTH = 32 + MacAlgorithm.KEY_LENGTH + 16;
    private static final byte[] SALT = "bulwark-newkey-share-v1".getBytes(StandardCharsets.US_ASCII);

    private ShareCipher() {}

    public static byte[] newPrivateKey(SecureRandom random) {
        return new X25519PrivateKeyParameters(random).getEncoded();
    }

    public static byte[] publicKeyOf(byte[] privateKey) {
        if (privateKey == null || privateKey.length != KEY_LENGTH) throw new IllegalArgumentException("X25519 key must be 32 bytes");
        return new X25519PrivateKeyParameters(privateKey, 0).generatePublicKey().getEncoded();
    }

    /** Encrypts {@code sessionKey} from {@code sender} to {@code receiver} for the NEW-KEY with {@code counter}. */
    public static byte[] seal(byte[] receiverPublicKey, int sender, int receiver, long counter, byte[] sessionKey, SecureRandom random) {
        if (sessionKey.length != MacAlgorithm.KEY_LENGTH) throw new IllegalArgumentException("session key length");
        X25519PrivateKeyParameters eph = new X25519PrivateKeyParameters(random);
        byte[] enc = eph.generatePublicKey().getEncoded();
        byte[] shared = agree(eph, receiverPublicKey);
        if (shared == null) throw new IllegalArgumentException("receiver " + receiver + " has an invalid X25519 public key");
        try {
            byte[] out = Arrays.copyOf(enc, CIPHERTEXT_LENGTH);
            Cipher gcm = gcm(Cipher.ENCRYPT_MODE, shared, enc, receiverPublicKey, sender, receiver, counter);
            gcm.doFinal(sessionKey, 0, sessionKey.length, out, 32);
            return out;
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("AES-GCM unavailable", e);
        } finally {
            Arrays.fill(shared, (byte) 0);
        }
    }

    /** Decrypts a share; null if it is malformed or fails authentication. Never throws on hostile input. */
    public static byte[] open(byte[] receiverPrivateKey, int sender, int receiver, long counter, byte[] ciphertext) {
        return open(receiverPrivateKey, null, sender, receiver, counter, ciphertext);
    }

    /**
     * As {@link #open(byte[], int, int, long, byte[])}, with the receiver's public key supplied by
     * a caller that has already checked it matches {@code receiverPrivateKey} (saves one X25519
     * base-point multiplication per share); null derives it from the private key.
     */
    public static byte[] open(byte[] receiverPrivateKey, byte[] receiverPublicKey, int sender, int receiver, long counter,
                              byte[] ciphertext) {
        if (ciphertext == null || ciphertext.length != CIPHERTEXT_LENGTH) return null;
        if (receiverPublicKey != null && receiverPublicKey.length != KEY_LENGTH) return null;
        byte[] enc = Arrays.copyOf(ciphertext, 32);
        X25519PrivateKeyParameters priv = new X25519PrivateKeyParameters(receiverPrivateKey, 0);
        byte[] shared = agree(priv, enc);
        if (shared == null) return null;
        try {
            byte[] pub = receiverPublicKey != null ? receiverPublicKey : priv.generatePublicKey().getEncoded();
            Cipher gcm = gcm(Cipher.DECRYPT_MODE, shared, enc, pub, sender, receiver, counter);
            return gcm.doFinal(ciphertext, 32, CIPHERTEXT_LENGTH - 32);
        } catch (GeneralSecurityException e) { // AEADBadTagException: wrong key, receiver, sender, counter or bits
            return null;
        } finally {
            Arrays.fill(shared, (byte) 0);
        }
    }

    private static byte[] agree(X25519PrivateKeyParameters priv, byte[] peerPublic) {
        if (peerPublic == null || peerPublic.length != KEY_LENGTH) return null;
        try {
            X25519Agreement agreement = new X25519Agreement();
            agreement.init(priv);
            byte[] shared = new byte[agreement.getAgreementSize()];
            agreement.calculateAgreement(new X25519PublicKeyParameters(peerPublic, 0), shared, 0);
            return shared;
        } catch (RuntimeException e) { // all-zero shared secret (small-order point)
            return null;
        }
    }

    private static Cipher gcm(int mode, byte[] shared, byte[] enc, byte[] receiverPublic, int sender, int receiver, long counter)
            throws GeneralSecurityException {
        byte[] info = ByteBuffer.allocate(64).put(enc).put(receiverPublic).array();
        HKDFBytesGenerator hkdf = new HKDFBytesGenerator(new SHA256Digest());
        hkdf.init(new HKDFParameters(shared, SALT, info));
        byte[] okm = new byte[16 + 12];
        hkdf.generateBytes(okm, 0, okm.length);
        Cipher gcm = Cipher.getInstance("AES/GCM/NoPadding");
        gcm.init(mode, new SecretKeySpec(okm, 0, 16, "AES"), new GCMParameterSpec(128, okm, 16, 12));
        Arrays.fill(okm, (byte) 0);
        gcm.updateAAD(ByteBuffer.allocate(SALT.length + 16).put(SALT).putInt(sender).putInt(receiver).putLong(counter).array());
        return gcm;
    }
}
