package io.bulwark.bft.crypto;

import static org.junit.jupiter.api.Assertions.*;

import java.util.HexFormat;
import java.util.SplittableRandom;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.ValueSource;

class MacAlgorithmTest {
    private static final HexFormat HEX = HexFormat.of();
    private static final byte[] RFC4493_KEY = HEX.parseHex("2b7e151628aed2a6abf7158809cf4f3c");
    private static final byte[] RFC4493_MSG = HEX.parseHex(
            "6bc1bee22e409f96e93d7e117393172aae2d8a571e03ac9c9eb76fac45af8e51"
                    + "30c81c46a35ce411e5fbc1191a0a52eff69f2445df4f9b17ad2b417be66c3710");

    /** RFC 4493 section 4 examples 1-4 (lengths 0, 16, 40, 64). */
    @ParameterizedTest
    @EnumSource(value = MacAlgorithm.class, names = {"AES_CMAC_JDK", "AES_CMAC_BC"})
    void cmacMatchesRfc4493(MacAlgorithm alg) {
        MacFunction m = alg.newFunction(RFC4493_KEY);
        int[] lengths = {0, 16, 40, 64};
        String[] tags = {"bb1d6929e95937287fa37d129b756746", "070a16b46b4d4144f79bdd9dd04a287c",
                "dfa66747de9ae63030ca32611497c827", "51f0bebf7e3b9d92fc49741779363cfe"};
        for (int t = 0; t < 2; t++) { // twice: the engine must reset correctly between messages
            for (int i = 0; i < lengths.length; i++) {
                byte[] out = new byte[16];
                m.mac(RFC4493_MSG, 0, lengths[i], out, 0);
                assertEquals(tags[i], HEX.formatHex(out), "length " + lengths[i]);
            }
        }
    }

    @ParameterizedTest
    @EnumSource(MacAlgorithm.class)
    void roundTripAndEveryFlippedBitRejected(MacAlgorithm alg) {
        SplittableRandom r = new SplittableRandom(1);
        byte[] key = new byte[16];
        for (int i = 0; i < 16; i++) key[i] = (byte) r.nextInt();
        MacFunction sender = alg.newFunction(key);
        MacFunction receiver = alg.newFunction(key);
        for (int len : new int[] {0, 1, 15, 16, 17, 100, 1024, 1500, 5000}) {
            byte[] msg = new byte[len + 3];
            for (int i = 0; i < msg.length; i++) msg[i] = (byte) r.nextInt();
            byte[] tag = new byte[20];
            sender.mac(msg, 3, len, tag, 4);
            assertTrue(receiver.verify(msg, 3, len, tag, 4), alg + " len " + len);
            // Deterministic: computing again gives the same tag.
            byte[] again = new byte[16];
            sender.mac(msg, 3, len, again, 0);
            assertArrayEquals(java.util.Arrays.copyOfRange(tag, 4, 20), again);
            int bits = Math.min(len, 200) * 8; // every bit of the first 200 bytes
            for (int b = 0; b < bits; b++) {
                msg[3 + b / 8] ^= (byte) (1 << (b % 8));
                assertFalse(receiver.verify(msg, 3, len, tag, 4), alg + " message bit " + b);
                msg[3 + b / 8] ^= (byte) (1 << (b % 8));
            }
            for (int b = 0; b < 128; b++) {
                tag[4 + b / 8] ^= (byte) (1 << (b % 8));
                assertFalse(receiver.verify(msg, 3, len, tag, 4), alg + " tag bit " + b);
                tag[4 + b / 8] ^= (byte) (1 << (b % 8));
            }
            assertTrue(receiver.verify(msg, 3, len, tag, 4));
        }
        byte[] other = key.clone();
        other[0] ^= 1;
        byte[] msg = {1, 2, 3};
        byte[] tag = new byte[16];
        sender.mac(msg, 0, 3, tag, 0);
        assertFalse(alg.newFunction(other).verify(msg, 0, 3, tag, 0));
        assertFalse(receiver.verify(msg, 0, 3, tag, 1), "tag running past the array end");
    }

    /**
     * The JDK CMAC (scratch copy and one doFinal up to its chunk size, update for the rest) agrees
     * with Bouncy Castle's CMAC on every length around the block and chunk boundaries, at an offset,
     * with one engine reused across messages.
     */
    @org.junit.jupiter.api.Test
    void jdkCmacAgreesWithBouncyCastleOnAllLengths() {
        SplittableRandom r = new SplittableRandom(7);
        byte[] key = new byte[16];
        for (int i = 0; i < 16; i++) key[i] = (byte) r.nextInt();
        MacFunction jdk = MacAlgorithm.AES_CMAC_JDK.newFunction(key);
        MacFunction bc = MacAlgorithm.AES_CMAC_BC.newFunction(key);
        byte[] msg = new byte[5000];
        for (int i = 0; i < msg.length; i++) msg[i] = (byte) r.nextInt();
        byte[] a = new byte[20];
        byte[] b = new byte[20];
        for (int len = 0; len <= 4200; len += (len < 1100 || (len > 2000 && len < 2100) || len > 4050) ? 1 : 13) {
            int off = len % 5;
            jdk.mac(msg, off, len, a, 3);
            bc.mac(msg, off, len, b, 3);
            assertArrayEquals(b, a, "length " + len);
            assertTrue(jdk.verify(msg, off, len, b, 3));
        }
    }

    @ParameterizedTest
    @ValueSource(ints = {0, 15, 17, 32})
    void wrongKeyLengthRejected(int len) {
        assertThrows(IllegalArgumentException.class, () -> MacAlgorithm.DEFAULT.newFunction(new byte[len]));
    }
}
