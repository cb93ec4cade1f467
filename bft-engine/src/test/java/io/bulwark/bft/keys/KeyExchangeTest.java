package io.bulwark.bft.keys;

import static org.junit.jupiter.api.Assertions.*;

import io.bulwark.bft.crypto.DeterministicRandom;
import io.bulwark.bft.crypto.SessionKeys;
import io.bulwark.bft.crypto.SignedCounter;
import io.bulwark.bft.msg.NewKey;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

class KeyExchangeTest {

    /** Every principal sends a NEW-KEY; every replica accepts all of them. */
    private static void exchangeAll(TestCluster c) throws Exception {
        List<NewKey> msgs = new ArrayList<>();
        for (int id = 0; id < c.total(); id++) msgs.add(c.exchange[id].createNewKey());
        for (NewKey m : msgs)
            for (int r = 0; r < c.config.n(); r++)
                if (r != m.sender()) assertEquals(NewKeyResult.ACCEPTED, c.exchange[r].accept(m), m.sender() + " -> " + r);
    }

    private static boolean macWorks(TestCluster c, int from, int to, byte[] msg) {
        byte[] tag = new byte[16];
        c.keys[from].mac(to, msg, 0, msg.length, tag, 0);
        return c.keys[to].verify(from, msg, 0, msg.length, tag, 0);
    }

    @Test
    void establishesWorkingKeysInBothDirections() throws Exception {
        TestCluster c = new TestCluster(1, 2, 11);
        exchangeAll(c);
        byte[] msg = "PREPARE v=0 n=1".getBytes();
        for (int i = 0; i < c.total(); i++)
            for (int j = 0; j < c.total(); j++) {
                boolean pair = i != j && (c.config.isReplica(i) || c.config.isReplica(j));
                if (!pair) continue;
                assertTrue(c.keys[i].canSendTo(j) && c.keys[j].canReceiveFrom(i), i + "->" + j);
                assertTrue(macWorks(c, i, j, msg), i + "->" + j);
            }
        // Directional replica keys differ; a tag for 0->1 does not verify as 1->0 or 0->2.
        byte[] tag = new byte[16];
        c.keys[0].mac(1, msg, 0, msg.length, tag, 0);
        assertFalse(c.keys[0].verify(1, msg, 0, msg.length, tag, 0));
        assertFalse(c.keys[2].verify(0, msg, 0, msg.length, tag, 0));
        // Clients have no keys with each other.
        assertFalse(c.keys[4].canSendTo(5));
        // Epochs are the co-processor counters of the NEW-KEYs.
        assertEquals(1, c.keys[0].receiveEpoch(1));
        assertEquals(1, c.keys[1].sendEpoch(0));
    }

    @Test
    void refreshReplacesKeysAndOldTagsStopVerifying() throws Exception {
        TestCluster c = new TestCluster(1, 1, 12);
        exchangeAll(c);
        byte[] msg = {1, 2, 3};
        byte[] oldTag = new byte[16];
        c.keys[1].mac(0, msg, 0, 3, oldTag, 0); // 1 -> 0 with k_{1,0} chosen by 0
        NewKey second = c.exchange[0].createNewKey();
        assertEquals(2, second.counter());
        assertFalse(c.keys[0].verify(1, msg, 0, 3, oldTag, 0), "0 refreshed: old key gone");
        assertEquals(NewKeyResult.ACCEPTED, c.exchange[1].accept(second));
        assertTrue(macWorks(c, 1, 0, msg));
        assertEquals(2, c.exchange[1].lastCounterFrom(0));
    }

    @Test
    void replayedAndOldCountersRejected() throws Exception {
        TestCluster c = new TestCluster(1, 1, 13);
        NewKey first = c.exchange[0].createNewKey();
        NewKey second = c.exchange[0].createNewKey();
        assertEquals(NewKeyResult.ACCEPTED, c.exchange[1].accept(second));
        assertEquals(NewKeyResult.DUPLICATE, c.exchange[1].accept(second));
        assertFalse(NewKeyResult.DUPLICATE.rejected());
        assertEquals(NewKeyResult.STALE_COUNTER, c.exchange[1].accept(first));
        assertTrue(macWorks(c, 1, 0, new byte[] {9}), "the newer key stays installed");
    }

    @Test
    void restoredCountersRejectReplaysAfterRestart() throws Exception {
        TestCluster c = new TestCluster(1, 1, 20);
        NewKey first = c.exchange[4].createNewKey();
        NewKey second = c.exchange[4].createNewKey();
        assertEquals(NewKeyResult.ACCEPTED, c.exchange[1].accept(second));
        var saved = c.exchange[1].lastCounters();
        assertEquals(java.util.Map.of(4, 2L), saved);
        // "Restart" replica 1: a fresh KeyExchange with the saved counters.
        KeyExchange restarted = new KeyExchange(1, c.config, c.kex[1], c.coProcessors[1], new SessionKeys(1, 4), new DeterministicRandom(1));
        restarted.restoreLastCounters(saved);
        assertEquals(NewKeyResult.STALE_COUNTER, restarted.accept(first));
        // The sender's current NEW-KEY installs its key again (the restart lost the keys, not the
        // counters): without that the restarted replica could not hear the sender until its next
        // refresh (SavedStateLoopbackTest: a restarted replica stuck with NO_KEY). Then it is a duplicate.
        assertEquals(NewKeyResult.ACCEPTED, restarted.accept(second));
        assertEquals(NewKeyResult.DUPLICATE, restarted.accept(second));
        assertEquals(NewKeyResult.STALE_COUNTER, restarted.accept(first));
    }

    @Test
    void forgedSignatureRejected() throws Exception {
        TestCluster c = new TestCluster(1, 1, 14);
        NewKey m = c.exchange[0].createNewKey();
        byte[] sig = m.signature().clone();
        sig[5] ^= 1;
        assertEquals(NewKeyResult.BAD_SIGNATURE, c.exchange[1].accept(new NewKey(0, m.counter(), m.shares(), sig)));
        // Signed by replica 2's co-processor but claiming to be from 0.
        NewKey byTwo = c.exchange[2].createNewKey();
        assertEquals(NewKeyResult.BAD_SIGNATURE, c.exchange[1].accept(new NewKey(0, byTwo.counter(), byTwo.shares(), byTwo.signature())));
        // Counter changed: the signature covers it.
        assertEquals(NewKeyResult.BAD_SIGNATURE, c.exchange[1].accept(new NewKey(0, m.counter() + 5, m.shares(), m.signature())));
        // Garbage signature of the wrong length.
        assertEquals(NewKeyResult.BAD_SIGNATURE, c.exchange[1].accept(new NewKey(0, m.counter(), m.shares(), new byte[3])));
        // None of that advanced the counter: the genuine message is still accepted.
        assertEquals(NewKeyResult.ACCEPTED, c.exchange[1].accept(m));
        assertEquals(NewKeyResult.ACCEPTED, c.exchange[1].accept(byTwo));
    }

    @Test
    void sharesForOtherReceiversAreNotAccepted() throws Exception {
        TestCluster c = new TestCluster(1, 1, 15);
        // A Byzantine replica 0 labels the share encrypted to 1 as being for 2 and signs that.
        NewKey honest = c.exchange[0].createNewKey();
        byte[] forOne = honest.shares().stream().filter(s -> s.receiver() == 1).findFirst().orElseThrow().ciphertext();
        List<NewKey.KeyShare> shares = List.of(new NewKey.KeyShare(2, forOne));
        NewKey swapped = signAs(c, 0, shares);
        assertEquals(NewKeyResult.DECRYPTION_FAILED, c.exchange[2].accept(swapped));
        assertEquals(NewKeyResult.NO_SHARE_FOR_US, c.exchange[1].accept(swapped));
        // A client never accepts a NEW-KEY; a principal ignores its own.
        assertEquals(NewKeyResult.WRONG_PRINCIPAL_KIND, c.exchange[4].accept(honest));
        assertEquals(NewKeyResult.FROM_SELF, c.exchange[0].accept(honest));
        assertEquals(NewKeyResult.UNKNOWN_SENDER, c.exchange[1].accept(new NewKey(99, 1, honest.shares(), honest.signature())));
    }

    @Test
    void shareReplayedUnderAnotherCounterFailsDecryption() throws Exception {
        TestCluster c = new TestCluster(1, 1, 16);
        NewKey first = c.exchange[0].createNewKey();
        // Byzantine 0 re-signs an old share under a new counter: the AAD binds the counter.
        NewKey resigned = signAs(c, 0, first.shares());
        assertEquals(NewKeyResult.DECRYPTION_FAILED, c.exchange[1].accept(resigned));
    }

    @Test
    void truncatedCiphertextRejected() throws Exception {
        TestCluster c = new TestCluster(1, 1, 17);
        NewKey m = c.exchange[0].createNewKey();
        List<NewKey.KeyShare> cut = new ArrayList<>();
        for (NewKey.KeyShare s : m.shares()) cut.add(new NewKey.KeyShare(s.receiver(), Arrays.copyOf(s.ciphertext(), 40)));
        // Truncated in transit: the signature no longer matches.
        assertEquals(NewKeyResult.BAD_SIGNATURE, c.exchange[1].accept(new NewKey(0, m.counter(), cut, m.signature())));
        // Truncated and signed by a faulty sender.
        assertEquals(NewKeyResult.MALFORMED_SHARE, c.exchange[1].accept(signAs(c, 0, cut)));
        // A flipped ciphertext bit, signed by a faulty sender.
        List<NewKey.KeyShare> flipped = new ArrayList<>();
        for (NewKey.KeyShare s : m.shares()) {
            byte[] ct = s.ciphertext().clone();
            ct[ct.length - 20] ^= 1;
            flipped.add(new NewKey.KeyShare(s.receiver(), ct));
        }
        assertEquals(NewKeyResult.DECRYPTION_FAILED, c.exchange[2].accept(signAs(c, 0, flipped)));
    }

    @Test
    void hostileStructureNeverThrows() throws Exception {
        TestCluster c = new TestCluster(1, 1, 18);
        NewKey m = c.exchange[0].createNewKey();
        assertEquals(NewKeyResult.MALFORMED, c.exchange[1].accept(null));
        assertEquals(NewKeyResult.MALFORMED, c.exchange[1].accept(new NewKey(0, 1, null, m.signature())));
        assertEquals(NewKeyResult.MALFORMED, c.exchange[1].accept(new NewKey(0, 1, m.shares(), null)));
        assertEquals(NewKeyResult.MALFORMED, c.exchange[1].accept(new NewKey(0, 0, m.shares(), m.signature())));
        assertEquals(NewKeyResult.MALFORMED, c.exchange[1].accept(new NewKey(0, -7, m.shares(), m.signature())));
        List<NewKey.KeyShare> withNull = new ArrayList<>(m.shares());
        withNull.add(null);
        assertEquals(NewKeyResult.MALFORMED, c.exchange[1].accept(new NewKey(0, 1, withNull, m.signature())));
        assertEquals(NewKeyResult.MALFORMED, c.exchange[1].accept(new NewKey(0, 1, List.of(new NewKey.KeyShare(1, null)), m.signature())));
        List<NewKey.KeyShare> twice = List.of(m.shares().get(0), m.shares().get(0));
        assertEquals(NewKeyResult.MALFORMED, c.exchange[1].accept(signAs(c, 0, twice)));
        List<NewKey.KeyShare> many = new ArrayList<>();
        for (int i = 0; i < 100; i++) many.add(new NewKey.KeyShare(1000 + i, new byte[64]));
        assertEquals(NewKeyResult.MALFORMED, c.exchange[1].accept(new NewKey(0, 1, many, m.signature())));
        assertEquals(NewKeyResult.ACCEPTED, c.exchange[1].accept(m));
    }

    @Test
    void deterministicUnderTheSameSeed() throws Exception {
        NewKey a = new TestCluster(1, 1, 19).exchange[4].createNewKey();
        NewKey b = new TestCluster(1, 1, 19).exchange[4].createNewKey();
        assertArrayEquals(a.signature(), b.signature());
        for (int i = 0; i < a.shares().size(); i++)
            assertArrayEquals(a.shares().get(i).ciphertext(), b.shares().get(i).ciphertext());
    }

    /** What a Byzantine principal with its co-processor can produce: any shares, with a fresh counter. */
    private static NewKey signAs(TestCluster c, int sender, List<NewKey.KeyShare> shares) throws Exception {
        SignedCounter s = c.coProcessors[sender].sign(KeyExchange.signedPayload(sender, shares));
        return new NewKey(sender, s.counter(), shares, s.signature());
    }
}
