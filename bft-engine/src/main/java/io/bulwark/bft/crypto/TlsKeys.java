package io.bulwark.bft.crypto;

import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.SecureRandom;
import java.security.Signature;
import java.security.interfaces.ECPublicKey;
import java.security.spec.ECGenParameterSpec;
import java.security.spec.PKCS8EncodedKeySpec;
import java.security.spec.X509EncodedKeySpec;

/**
 * A principal's TLS key (issue 20): ECDSA on P-256, separate from its Ed25519 signing key, which
 * never leaves the co-processor (paper sections 2 and 4.1). The private key is a PKCS#8 encoding
 * (in the principal's key file), the public key an X.509 SubjectPublicKeyInfo (pinned in
 * {@code cluster.conf}).
 *
 * <p>Why P-256 and not Ed25519: {@code ecdsa_secp256r1_sha256} is the signature scheme every
 * TLS 1.3 implementation must support (RFC 8446 section 9.1), and SunJSSE has offered it for
 * TLS 1.3 since TLS 1.3 arrived in the JDK (11), through the ordinary EC key manager and PKCS#12
 * key store; Ed25519 in TLS came to SunJSSE only with JDK 15 and is optional in RFC 8446, so a
 * peer built on another TLS stack is less likely to accept it.
 */
public final class TlsKeys {
    /** Length of a P-256 public key's X.509 SubjectPublicKeyInfo encoding (uncompressed point). */
    public static final int PUBLIC_KEY_LENGTH = 91;
    private static final String CURVE = "secp256r1";

    private TlsKeys() {}

    /** A fresh key pair. */
    public static KeyPair generate(SecureRandom random) {
        try {
            KeyPairGenerator g = KeyPairGenerator.getInstance("EC");
            g.initialize(new ECGenParameterSpec(CURVE), random);
            return g.generateKeyPair();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("this JDK has no EC P-256", e);
        }
    }

    /** The public key of an encoded SubjectPublicKeyInfo; IllegalArgumentException if it is not a P-256 key. */
    public static PublicKey publicKey(byte[] encoded) {
        try {
            PublicKey k = KeyFactory.getInstance("EC").generatePublic(new X509EncodedKeySpec(encoded));
            if (!(k instanceof ECPublicKey ec) || ec.getParams().getCurve().getField().getFieldSize() != 256
                    || encoded.length != PUBLIC_KEY_LENGTH)
                throw new IllegalArgumentException("not a P-256 public key");
            return k;
        } catch (GeneralSecurityException | RuntimeException e) {
            throw new IllegalArgumentException("not a P-256 public key: " + e.getMessage(), e);
        }
    }

    /** True if {@code encoded} is a P-256 public key. Never throws. */
    public static boolean isValidPublicKey(byte[] encoded) {
        if (encoded == null || encoded.length != PUBLIC_KEY_LENGTH) return false;
        try {
            publicKey(encoded);
            return true;
        } catch (IllegalArgumentException e) {
            return false;
        }
    }

    /** The private key of a PKCS#8 encoding; IllegalArgumentException if it is not an EC key. */
    public static PrivateKey privateKey(byte[] pkcs8) {
        try {
            return KeyFactory.getInstance("EC").generatePrivate(new PKCS8EncodedKeySpec(pkcs8));
        } catch (GeneralSecurityException | RuntimeException e) {
            throw new IllegalArgumentException("not an EC private key: " + e.getMessage(), e);
        }
    }

    /** True if the two encoded keys form a pair (a signature by one verifies under the other). Never throws. */
    public static boolean matches(byte[] pkcs8Private, byte[] encodedPublic) {
        try {
            byte[] probe = "bulwark tls key check".getBytes(java.nio.charset.StandardCharsets.US_ASCII);
            Signature s = Signature.getInstance("SHA256withECDSA");
            s.initSign(privateKey(pkcs8Private));
            s.update(probe);
            byte[] sig = s.sign();
            Signature v = Signature.getInstance("SHA256withECDSA");
            v.initVerify(publicKey(encodedPublic));
            v.update(probe);
            return v.verify(sig);
        } catch (GeneralSecurityException | IllegalArgumentException e) {
            return false;
        }
    }
}
