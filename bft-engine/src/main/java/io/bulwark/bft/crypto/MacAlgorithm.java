package io.bulwark.bft.crypto;

/**
 * The MAC candidates, behind one seam so the JMH benchmark (module bft-jmh) measures exactly the
 * code {@link SessionKeys} runs. All candidates take a {@link #KEY_LENGTH}-byte key and produce a
 * 16-byte tag: 128-bit keys and 128-bit tags give 128-bit security against key recovery and
 * 2^-128 per forgery attempt. (The paper used UMAC32 with 32-bit tags, acceptable in 2000;
 * we do not go below 128 bits.)
 *
 * <p>Not candidates: Poly1305 is a one-time authenticator; reusing (r, s) for two messages
 * reveals the key, so it would need a per-message nonce (e.g. Poly1305-AES with a sender
 * sequence number carried in every message and replay state per receiver). An authenticator is
 * a vector of MACs over one multicast message, so we would need per-receiver nonces in every
 * message; too much protocol surface for a MAC. SipHash-2-4 with 128-bit output is a fast PRF
 * designed for hash-table keys; its authors call the 128-bit variant experimental and it has
 * seen little analysis as a 128-bit-secure MAC, so it is benchmarked only as a reference point.
 */
public enum MacAlgorithm {
    /** HMAC-SHA-256 truncated to 128 bits (RFC 2104 / NIST SP 800-107 allow truncation to >= 128 bits). JDK, uses SHA-NI. */
    HMAC_SHA256_128,
    /** Keyed BLAKE2b (RFC 7693) with 16-byte output. Bouncy Castle. */
    BLAKE2B_128,
    /** KMAC128 (NIST SP 800-185) with 128-bit output. Bouncy Castle. */
    KMAC128,
    /** AES-128-CMAC (RFC 4493) on Bouncy Castle's pure-Java AES engine. */
    AES_CMAC_BC,
    /** AES-128-CMAC (RFC 4493) computed as CBC on the JDK's AES (AES-NI intrinsics). */
    AES_CMAC_JDK;

    /** Session keys are 128 bits. */
    public static final int KEY_LENGTH = 16;
    /** Every candidate produces 128-bit tags. */
    public static final int TAG_LENGTH = 16;

    /** The algorithm {@link SessionKeys} uses; chosen by the JMH run recorded in bft-jmh/README.md. */
    public static final MacAlgorithm DEFAULT = AES_CMAC_JDK;

    /** A fresh, initialised MAC for {@code key} (copied; the caller may wipe its array). */
    public MacFunction newFunction(byte[] key) {
        if (key == null || key.length != KEY_LENGTH)
            throw new IllegalArgumentException("MAC key must be " + KEY_LENGTH + " bytes");
        return switch (this) {
            case HMAC_SHA256_128 -> new MacFunctions.HmacSha256(key);
            case BLAKE2B_128 -> new MacFunctions.Blake2b(key);
            case KMAC128 -> new MacFunctions.Kmac128(key);
            case AES_CMAC_BC -> new MacFunctions.BcCmac(key);
            case AES_CMAC_JDK -> new MacFunctions.JdkCmac(key);
        };
    }
}
