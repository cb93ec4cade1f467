package io.bulwark.bft.crypto;

import static org.junit.jupiter.api.Assertions.*;

import org.junit.jupiter.api.Test;

class SessionKeysTest {
    private static byte[] key(int b) {
        byte[] k = new byte[16];
        java.util.Arrays.fill(k, (byte) b);
        return k;
    }

    @Test
    void replicaKeysAreDirectional() {
        SessionKeys zero = new SessionKeys(0, 4), one = new SessionKeys(1, 4);
        one.installReceiveKey(0, key(1), 1); // k_{0,1}, chosen by 1
        zero.installSendKey(1, key(1), 1);
        assertTrue(zero.canSendTo(1));
        assertFalse(zero.canReceiveFrom(1));
        byte[] msg = "COMMIT".getBytes(), tag = new byte[16];
        zero.mac(1, msg, 0, msg.length, tag, 0);
        assertTrue(one.verify(0, msg, 0, msg.length, tag, 0));
        for (int bit = 0; bit < msg.length * 8; bit++) {
            msg[bit / 8] ^= (byte) (1 << (bit % 8));
            assertFalse(one.verify(0, msg, 0, msg.length, tag, 0));
            msg[bit / 8] ^= (byte) (1 << (bit % 8));
        }
        assertThrows(IllegalStateException.class, () -> one.mac(0, msg, 0, msg.length, tag, 0));
        assertThrows(IllegalArgumentException.class, () -> zero.installPairKey(1, key(2), 1));
        assertThrows(IllegalArgumentException.class, () -> zero.installSendKey(0, key(2), 1));
        assertThrows(IllegalArgumentException.class, () -> zero.installSendKey(7, key(2), 1), "7 is a client");
    }

    @Test
    void clientKeyServesBothDirectionsAndCanBeDiscarded() {
        SessionKeys replica = new SessionKeys(2, 4), client = new SessionKeys(9, 4);
        client.installPairKey(2, key(3), 5);
        replica.installPairKey(9, key(3), 5);
        byte[] msg = new byte[300], tag = new byte[16];
        client.mac(2, msg, 0, 300, tag, 0);
        assertTrue(replica.verify(9, msg, 0, 300, tag, 0));
        replica.mac(9, msg, 0, 300, tag, 0);
        assertTrue(client.verify(2, msg, 0, 300, tag, 0));
        assertEquals(5, replica.sendEpoch(9));
        replica.discard(9);
        assertFalse(replica.verify(9, msg, 0, 300, tag, 0));
        assertEquals(SessionKeys.NO_KEY, replica.receiveEpoch(9));
        assertThrows(IllegalArgumentException.class, () -> client.installPairKey(10, key(1), 1), "client-client");
    }

    @Test
    void verifyNeverThrowsOnBadInput() {
        SessionKeys k = new SessionKeys(0, 4);
        k.installReceiveKey(1, key(1), 1);
        byte[] msg = new byte[10], tag = new byte[16];
        assertFalse(k.verify(-1, msg, 0, 10, tag, 0));
        assertFalse(k.verify(1_000_000, msg, 0, 10, tag, 0));
        assertFalse(k.verify(1, msg, 5, 10, tag, 0));
        assertFalse(k.verify(1, msg, -1, 3, tag, 0));
        assertFalse(k.verify(1, msg, 0, 10, tag, 1));
        assertFalse(k.verify(1, null, 0, 0, tag, 0));
        assertFalse(k.verify(1, msg, 0, 10, null, 0));
        assertFalse(k.verify(1, msg, 0, 10, new byte[5], 0));
    }
}
