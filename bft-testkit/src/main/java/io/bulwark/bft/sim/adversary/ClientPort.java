package io.bulwark.bft.sim.adversary;

import io.bulwark.bft.config.ProtocolConfig;
import io.bulwark.bft.msg.Request;
import java.util.SplittableRandom;

/** What the simulator gives a {@link ByzantineClient}: its identity and keys (through sealing), time, and the network. */
public interface ClientPort {
    int self();

    ProtocolConfig config();

    long nowUs();

    SplittableRandom random();

    /** Runs {@code r} after {@code delayUs} of simulated time. */
    void after(long delayUs, Runnable r);

    /** Whether the run still goes on (correct clients have work left); a Byzantine client stops scheduling when not. */
    boolean running();

    /** Sends {@code r} (its {@code auth} null) to replica {@code to}, with an authenticator valid at every replica. */
    void send(int to, Request r);

    /**
     * Sends {@code r} to replica {@code to} with an authenticator whose entries verify only at the
     * replicas in {@code validAt} (bit set): the "big MAC" attack of Aardvark.
     */
    void sendPartial(int to, Request r, long validAt);

    /** Keys "k0".."k{n-1}" are used by correct clients; their histories are checked. */
    int sharedKeys();

    /**
     * Records a write of {@code value} to shared key {@code key} that this client is about to send,
     * as a write that may take effect at any time from now on, or never (the checker treats it as
     * pending: a Byzantine client's word about completion is worth nothing).
     */
    void recordWrite(int key, long value);
}
