package io.bulwark.bft.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.bulwark.bft.config.ProtocolConfig;
import io.bulwark.bft.msg.Commit;
import io.bulwark.bft.msg.MessageCodec;
import io.bulwark.bft.msg.PrePrepare;
import io.bulwark.bft.msg.Prepare;
import io.bulwark.bft.msg.Request;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Section 4.1 at the core: after a key refresh a certificate holds only equally fresh messages. A
 * PREPARE received under the old keys no longer counts; the same PREPARE again (retransmitted under
 * the new keys) does. Our own votes stay.
 */
class KeyRefreshTest {
    private static final ProtocolConfig CFG = ProtocolConfig.defaults(1).withCheckpointInterval(4, 8);
    private static final long NOW = 1_000_000;

    private static boolean commits(List<ReplicaAction> out) {
        return out.stream().anyMatch(a -> a instanceof Action.Multicast m && m.message() instanceof Commit);
    }

    @Test
    void votesFromBeforeARefreshNoLongerCompleteACertificate() {
        byte[] nonDet = NonDet.encodeTime(NOW);
        List<Request> b = List.of(new Request(4, 1, false, 0, "a".getBytes(), new byte[0]));
        PrePrepare pp = new PrePrepare(0, 1, MessageCodec.batchDigest(b, nonDet), nonDet, b);
        Replica backup = new Replica(1, CFG);
        backup.start(NOW);
        backup.receive(NOW, 2, new Prepare(0, 1, pp.digest(), 2));   // early, under the old keys
        backup.keysRefreshed(NOW);
        assertEquals(1, backup.keyRefreshes());
        backup.receive(NOW, 0, pp);
        assertTrue(!commits(backup.ready()), "replica 2's PREPARE came under the old keys: with our own, not 2f yet");
        backup.receive(NOW, 2, new Prepare(0, 1, pp.digest(), 2));
        assertTrue(commits(backup.ready()), "replica 2's PREPARE again, under the new keys: prepared, COMMIT sent");

        // The control: without the refresh the same two messages prepare it at once.
        Replica other = new Replica(1, CFG);
        other.start(NOW);
        other.receive(NOW, 2, new Prepare(0, 1, pp.digest(), 2));
        other.receive(NOW, 0, pp);
        assertTrue(commits(other.ready()));
    }
}
