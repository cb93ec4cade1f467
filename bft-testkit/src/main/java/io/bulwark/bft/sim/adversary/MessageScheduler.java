package io.bulwark.bft.sim.adversary;

import io.bulwark.bft.msg.Message;

/**
 * An adversary that owns the network's timing: for each message put on the simulated network it
 * names an extra delay. It sees the message in the clear (it decides when things arrive, not what
 * they say, so it needs no keys) and, for the adversaries that cooperate with faulty replicas, which
 * replicas are faulty. Delays are the asynchrony the paper's safety argument allows (section 2:
 * safety holds whatever the delays); liveness only needs them to end, so schedulers that act until
 * the network heals or that delay messages of views already left keep the run live.
 */
public interface MessageScheduler {

    /** Extra simulated microseconds before {@code m}, sent by {@code from}, reaches {@code to} (0: none). */
    long delayUs(int from, int to, Message m, long nowUs);
}
