package io.bulwark.bft.crypto;

import java.security.SecureRandom;
import org.bouncycastle.crypto.params.Ed25519PrivateKeyParameters;
import org.bouncycastle.crypto.params.Ed25519PublicKeyParameters;
import org.bouncycastle.crypto.signers.Ed25519Signer;

/**
 * Ed25519 (RFC 8032) on raw 32-byte keys and 64-byte signatures, via Bouncy Castle's lightweight
 * API. Signatures are deterministic, so the simulator reproduces them from its seed.
 */
public final class Signatures {
    public static final int KEY_LENGTH = 32;
    public static final int SIGNATURE_LENGTH = 64;

    private Signatures() {}

    public static byte[] newPrivateKey(SecureRandom random) {
        return new Ed25519PrivateKeyParameters(random).getEncoded();
    }

    public static byte[] publicKeyOf(byte[] privateKey) {
        return privateParams(privateKey).generatePublicKey().getEncoded();
    }

    public static byte[] sign(byte[] privateKey, byte[] message) {
        Ed25519Signer signer = new Ed25519Signer();
        signer.init(true, privateParams(privateKey));
        signer.update(message, 0, message.length);
        return signer.generateSignature();
    }

    /** True only for a well-formed key and a valid signature; never throws on hostile input. */
    public static boolean verify(byte[] publicKey, byte[] message, byte[] signature) {
        if (publicKey == null || publicKey.length != KEY_LENGTH || message == null
                || signature == null || signature.length != SIGNATURE_LENGTH) return false;
        try {
            Ed25519Signer verifier = new Ed25519Signer();
            verifier.init(false, new Ed25519PublicKeyParameters(publicKey, 0));
            verifier.update(message, 0, message.length);
            return verifier.verifySignature(signature);
        } catch (RuntimeException e) { // invalid point encoding
            return false;
        }
    }

    /** True if {@code publicKey} decodes as an Ed25519 public key. */
    public static boolean isValidPublicKey(byte[] publicKey) {
        if (publicKey == null || publicKey.length != KEY_LENGTH) return false;
        try {
            new Ed25519PublicKeyParameters(publicKey, 0);
            return true;
        } catch (RuntimeException e) {
            return false;
        }
    }

    private static Ed25519PrivateKeyParameters privateParams(byte[] privateKey) {
        if (privateKey == null || privateKey.length != KEY_LENGTH)
            throw new IllegalArgumentException("Ed25519 private key must be " + KEY_LENGTH + " bytes");
        return new Ed25519PrivateKeyParameters(privateKey, 0);
    }
}
