package io.bulwark.bft.crypto;

import java.security.GeneralSecurityException;
import javax.crypto.Cipher;
import javax.crypto.Mac;
import javax.crypto.spec.IvParameterSpec;
import javax.crypto.spec.SecretKeySpec;
import org.bouncycastle.crypto.digests.Blake2bDigest;
import org.bouncycastle.crypto.engines.AESEngine;
import org.bouncycastle.crypto.macs.CMac;
import org.bouncycastle.crypto.macs.KMAC;
import org.bouncycastle.crypto.params.KeyParameter;

/** The implementations behind {@link MacAlgorithm}. Each owns its engine and scratch space. */
final class MacFunctions {
    private MacFunctions() {}

    /** Shared verify: compute into scratch, compare without data-dependent branches. */
    abstract static class Base implements MacFunction {
        private final byte[] expected = new byte[MacAlgorithm.TAG_LENGTH];

        @Override public final int tagLength() { return MacAlgorithm.TAG_LENGTH; }

        @Override public final boolean verify(byte[] data, int off, int len, byte[] tag, int tagOff) {
            if (tag == null || tagOff < 0 || tagOff > tag.length - MacAlgorithm.TAG_LENGTH) return false;
            mac(data, off, len, expected, 0);
            int diff = 0;
            for (int i = 0; i < MacAlgorithm.TAG_LENGTH; i++) diff |= expected[i] ^ tag[tagOff + i];
            return diff == 0;
        }
    }

    static final class HmacSha256 extends Base {
        private final Mac mac;
        private final byte[] full = new byte[32];

        HmacSha256(byte[] key) {
            try {
                mac = Mac.getInstance("HmacSHA256");
                mac.init(new SecretKeySpec(key, "HmacSHA256"));
            } catch (GeneralSecurityException e) {
                throw new IllegalStateException("HmacSHA256 unavailable", e);
            }
        }

        @Override public void mac(byte[] data, int off, int len, byte[] out, int outOff) {
            mac.update(data, off, len);
            try {
                mac.doFinal(full, 0); // resets to the keyed state
            } catch (javax.crypto.ShortBufferException e) {
                throw new IllegalStateException(e);
            }
            System.arraycopy(full, 0, out, outOff, MacAlgorithm.TAG_LENGTH);
        }
    }

    static final class Blake2b extends Base {
        private final Blake2bDigest digest;

        Blake2b(byte[] key) { digest = new Blake2bDigest(key, MacAlgorithm.TAG_LENGTH, null, null); }

        @Override public void mac(byte[] data, int off, int len, byte[] out, int outOff) {
            digest.update(data, off, len);
            digest.doFinal(out, outOff); // resets to the keyed state
        }
    }

    static final class Kmac128 extends Base {
        private static final byte[] CUSTOMIZATION = "bulwark-mac".getBytes(java.nio.charset.StandardCharsets.US_ASCII);
        private final KMAC kmac = new KMAC(128, CUSTOMIZATION);

        Kmac128(byte[] key) { kmac.init(new KeyParameter(key)); }

        @Override public void mac(byte[] data, int off, int len, byte[] out, int outOff) {
            kmac.update(data, off, len);
            kmac.doFinal(out, outOff, MacAlgorithm.TAG_LENGTH); // encodes L = 128; resets keyed
        }
    }

    static final class BcCmac extends Base {
        private final CMac cmac = new CMac(AESEngine.newInstance(), 128);

        BcCmac(byte[] key) { cmac.init(new KeyParameter(key)); }

        @Override public void mac(byte[] data, int off, int len, byte[] out, int outOff) {
            cmac.update(data, off, len);
            cmac.doFinal(out, outOff);
        }
    }

    /**
     * RFC 4493 CMAC as CBC-MAC with zero IV over the JDK's AES/CBC (intrinsified with AES-NI):
     * all blocks but the last go through {@code update} in bounded chunks; the last block,
     * XORed with subkey K1 (complete) or padded and XORed with K2, goes through
     * {@code doFinal}, whose output is the tag. {@code doFinal} returns the cipher to its
     * initial state (zero IV), so no re-init per message.
     */
    static final class JdkCmac extends Base {
        private static final int CHUNK = 1024;
        private final Cipher cbc;
        private final byte[] k1 = new byte[16];
        private final byte[] k2 = new byte[16];
        private final byte[] last = new byte[16];
        private final byte[] sink = new byte[CHUNK];

        JdkCmac(byte[] key) {
            try {
                SecretKeySpec spec = new SecretKeySpec(key, "AES");
                Cipher ecb = Cipher.getInstance("AES/ECB/NoPadding");
                ecb.init(Cipher.ENCRYPT_MODE, spec);
                byte[] l = ecb.doFinal(new byte[16]);
                dbl(l, k1);
                dbl(k1, k2);
                java.util.Arrays.fill(l, (byte) 0);
                cbc = Cipher.getInstance("AES/CBC/NoPadding");
                cbc.init(Cipher.ENCRYPT_MODE, spec, new IvParameterSpec(new byte[16]));
            } catch (GeneralSecurityException e) {
                throw new IllegalStateException("AES unavailable", e);
            }
        }

        /** Doubling in GF(2^128) (RFC 4493 section 2.3). */
        private static void dbl(byte[] in, byte[] out) {
            int carry = 0;
            for (int i = 15; i >= 0; i--) {
                int b = in[i] & 0xff;
                out[i] = (byte) ((b << 1) | carry);
                carry = b >>> 7;
            }
            out[15] ^= (byte) (0x87 & -carry);
        }

        @Override public void mac(byte[] data, int off, int len, byte[] out, int outOff) {
            java.util.Objects.checkFromIndexSize(off, len, data.length);
            int blocks = len == 0 ? 1 : (len + 15) >>> 4;
            int prefix = (blocks - 1) << 4;
            int rest = len - prefix; // 0..16 (0 only when len == 0)
            try {
                for (int done = 0; done < prefix; ) {
                    int n = Math.min(CHUNK, prefix - done);
                    cbc.update(data, off + done, n, sink, 0);
                    done += n;
                }
                if (rest == 16) {
                    for (int i = 0; i < 16; i++) last[i] = (byte) (data[off + prefix + i] ^ k1[i]);
                } else {
                    for (int i = 0; i < rest; i++) last[i] = (byte) (data[off + prefix + i] ^ k2[i]);
                    last[rest] = (byte) (0x80 ^ k2[rest]);
                    for (int i = rest + 1; i < 16; i++) last[i] = k2[i];
                }
                cbc.doFinal(last, 0, 16, sink, 0);
            } catch (GeneralSecurityException e) {
                throw new IllegalStateException(e);
            }
            System.arraycopy(sink, 0, out, outOff, MacAlgorithm.TAG_LENGTH);
        }
    }
}
