package io.bulwark.bft.crypto;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.security.SecureRandomSpi;

/**
 * FOR SIMULATION AND TESTS ONLY: a {@link SecureRandom} whose output is a pure function of a
 * 64-bit seed (SHA-256 in counter mode over the seed), so a simulator run that generates keys and
 * NEW-KEY messages replays exactly from its seed. Anyone who knows the seed knows every key;
 * a real node must use {@code new SecureRandom()}.
 */
public final class DeterministicRandom extends SecureRandom {
    private static final long serialVersionUID = 1L;

    public DeterministicRandom(long seed) {
        super(new Spi(seed), null);
    }

    private static final class Spi extends SecureRandomSpi {
        private static final long serialVersionUID = 1L;
        private final MessageDigest sha;
        private byte[] seed;
        private long block;
        private final byte[] buf = new byte[32];
        private int used = 32;

        Spi(long seed) {
            try {
                sha = MessageDigest.getInstance("SHA-256");
            } catch (NoSuchAlgorithmException e) {
                throw new IllegalStateException(e);
            }
            this.seed = longBytes(seed);
        }

        /** Mixing in more seed keeps determinism: the new state is a function of old state and input. */
        @Override protected void engineSetSeed(byte[] more) {
            sha.update((byte) 1);
            sha.update(seed);
            sha.update(more);
            seed = sha.digest();
            used = 32;
        }

        @Override protected void engineNextBytes(byte[] out) {
            for (int i = 0; i < out.length; i++) {
                if (used == 32) refill();
                out[i] = buf[used++];
            }
        }

        @Override protected byte[] engineGenerateSeed(int numBytes) {
            byte[] out = new byte[numBytes];
            engineNextBytes(out);
            return out;
        }

        private void refill() {
            sha.update((byte) 0);
            sha.update(seed);
            sha.update(longBytes(block++));
            try {
                sha.digest(buf, 0, 32);
            } catch (java.security.DigestException e) {
                throw new IllegalStateException(e);
            }
            used = 0;
        }

        private static byte[] longBytes(long v) {
            byte[] b = new byte[8];
            for (int i = 0; i < 8; i++) b[i] = (byte) (v >>> (56 - 8 * i));
            return b;
        }
    }
}
