package io.bulwark.bft.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.bulwark.bft.config.ProtocolConfig;
import org.junit.jupiter.api.Test;

/** The one vote counter of the core: one vote per replica, matching by value, complete at a quorum. */
class CertificateTest {
    private static final ProtocolConfig CFG = ProtocolConfig.defaults(1);   // n = 4, quorum 3, weak quorum 2

    @Test
    void theFirstVoteOfAReplicaCountsAndALaterOneDoesNotReplaceIt() {
        Certificate<String> c = new Certificate<>(CFG.n());
        assertTrue(c.add(0, "a"));
        assertFalse(c.add(0, "b"), "a replica votes once");
        assertEquals("a", c.vote(0));
        assertEquals(1, c.count("a"));
        assertEquals(0, c.count("b"));
    }

    @Test
    void aValueIsCertifiedAtTheQuorumAndNotBefore() {
        Certificate<String> c = new Certificate<>(CFG.n());
        c.add(0, "a");
        c.add(1, "b");
        c.add(2, "a");
        assertNull(c.certified(CFG.quorum()), "two of three matching are not a quorum");
        assertEquals("a", c.certified(CFG.weakQuorum()));
        c.add(3, "a");
        assertEquals("a", c.certified(CFG.quorum()));
        assertTrue(c.complete("a", CFG.quorum()));
        assertFalse(c.complete("b", CFG.weakQuorum()));
        assertFalse(c.complete(null, 0), "nothing certifies null");
        assertEquals(4, c.size());
    }

    @Test
    void excludedReplicasDoNotCount() {
        Certificate<String> c = new Certificate<>(CFG.n());
        for (int j = 0; j < CFG.n(); j++) c.add(j, "a");
        assertEquals(3, c.count("a", 0), "the primary's prepare does not count");
        assertEquals(2, c.count("a", 0, 1), "nor one's own");
        assertNull(c.certified(CFG.quorum(), 0, 1));
        assertEquals("a", c.certified(CFG.weakQuorum(), 0, 1));
    }

    @Test
    void aReplicasOwnVoteIsReplacedOrWithdrawn() {
        Certificate<String> c = new Certificate<>(CFG.n());
        c.add(1, "a");
        c.put(1, "b");
        assertEquals("b", c.vote(1));
        c.clear(1);
        assertFalse(c.voted(1));
        assertEquals(0, c.size());
    }

    @Test
    void quorumSizesComeFromTheConfiguration() {
        for (int f = 1; f <= 3; f++) {
            ProtocolConfig cfg = ProtocolConfig.defaults(f);
            assertEquals(2 * f + 1, cfg.quorum());
            assertEquals(f + 1, cfg.weakQuorum());
            // Two quorums share a correct replica: 2(2f+1) - n = f + 1.
            assertEquals(cfg.weakQuorum(), 2 * cfg.quorum() - cfg.n());
        }
    }
}
