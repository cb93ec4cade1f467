package io.bulwark.bft.core;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.bulwark.bft.crypto.CoProcessor;
import io.bulwark.bft.crypto.Signatures;
import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** The recovery request's operation decodes fail-closed, and its co-processor signature binds the replica, H_M and the counter (section 4.4). */
class RecoveryOpTest {
    private static final byte[] KEY = ScriptedGroup.coProcessorKey(3);
    private static final byte[] PUBLIC = Signatures.publicKeyOf(KEY);

    private static RecoveryOp signed(int replica, long hm, long t) {
        return new RecoveryOp(hm, Signatures.sign(KEY, CoProcessor.signedBytes(RecoveryOp.signedPayload(replica, hm), t)));
    }

    @Test
    void aSignedOperationRoundTripsAndVerifiesOnlyForItsReplicaHmAndCounter() {
        RecoveryOp op = signed(3, 16, 7);
        byte[] bytes = op.encode();
        assertEquals(RecoveryOp.BYTES, bytes.length);
        RecoveryOp back = RecoveryOp.decode(bytes);
        assertEquals(op, back);
        assertArrayEquals(op.signature(), back.signature());
        assertTrue(back.signedBy(PUBLIC, 3, 7));
        assertFalse(back.signedBy(PUBLIC, 3, 8), "another counter");
        assertFalse(back.signedBy(PUBLIC, 2, 7), "another replica");
        assertFalse(new RecoveryOp(17, op.signature()).signedBy(PUBLIC, 3, 7), "another H_M");
        assertFalse(back.signedBy(Signatures.publicKeyOf(ScriptedGroup.coProcessorKey(2)), 3, 7), "another co-processor's key");
        assertFalse(back.signedBy(null, 3, 7));
        assertFalse(back.signedBy(new byte[5], 3, 7));
        byte[] notAPoint = new byte[Signatures.KEY_LENGTH];
        Arrays.fill(notAPoint, (byte) 0xFF);
        assertFalse(back.signedBy(notAPoint, 3, 7), "a key that is not a point: false, no exception");
    }

    @Test
    void hostileBytesDecodeToNothing() {
        byte[] good = signed(3, 16, 7).encode();
        assertNull(RecoveryOp.decode(null));
        assertNull(RecoveryOp.decode(new byte[0]));
        assertNull(RecoveryOp.decode(Arrays.copyOf(good, good.length - 1)), "a signature one byte short");
        assertNull(RecoveryOp.decode(Arrays.copyOf(good, good.length + 1)), "one byte too many");
        assertNull(RecoveryOp.decode(ByteBuffer.allocate(12).putInt(0x52435652).putLong(16).array()), "the old unsigned form");
        byte[] magic = good.clone();
        magic[0] ^= 1;
        assertNull(RecoveryOp.decode(magic));
        byte[] negative = good.clone();
        ByteBuffer.wrap(negative).putLong(4, -1);
        assertNull(RecoveryOp.decode(negative), "H_M below zero");
        assertThrows(IllegalArgumentException.class, () -> new RecoveryOp(0, new byte[Signatures.SIGNATURE_LENGTH - 1]));
        assertThrows(IllegalArgumentException.class, () -> new RecoveryOp(0, new byte[Signatures.SIGNATURE_LENGTH + 1]));
        assertThrows(IllegalArgumentException.class, () -> new RecoveryOp(0, null));
        assertThrows(IllegalArgumentException.class, () -> new RecoveryOp(-1, new byte[Signatures.SIGNATURE_LENGTH]));

        // Random bytes of every length up to twice the size: nothing throws, and what decodes never verifies.
        SplittableRandom rnd = new SplittableRandom(4);
        for (int i = 0; i < 2_000; i++) {
            byte[] b = new byte[rnd.nextInt(2 * RecoveryOp.BYTES)];
            rnd.nextBytes(b);
            if (rnd.nextBoolean() && b.length >= 4) ByteBuffer.wrap(b).putInt(0, RecoveryOp.MAGIC);
            RecoveryOp op = RecoveryOp.decode(b);
            if (op != null) assertFalse(op.signedBy(PUBLIC, 3, 7));
        }
    }

    @Test
    void everyBitFlipOfASignedOperationIsRefused() {
        byte[] good = signed(3, 16, 7).encode();
        for (int bit = 0; bit < good.length * 8; bit++) {
            byte[] b = good.clone();
            b[bit / 8] ^= (byte) (1 << (bit % 8));
            RecoveryOp op = RecoveryOp.decode(b);
            assertTrue(op == null || !op.signedBy(PUBLIC, 3, 7), "bit " + bit);
        }
    }

    @Test
    void theSignedPayloadIsDomainSeparatedFromANewKeys() {
        byte[] p = RecoveryOp.signedPayload(3, 16);
        byte[] newKey = io.bulwark.bft.keys.KeyExchange.signedPayload(3, java.util.List.of());
        assertFalse(Arrays.equals(Arrays.copyOf(p, 8), Arrays.copyOf(newKey, 8)), "different domain tags");
    }
}
