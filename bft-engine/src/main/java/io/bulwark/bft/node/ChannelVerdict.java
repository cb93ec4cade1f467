package io.bulwark.bft.node;

import io.bulwark.bft.msg.Message;
import java.util.BitSet;

/** What the runtime does with one frame that arrived on a {@link Channel} ({@link ChannelGuard#onFrame}). */
public sealed interface ChannelVerdict {

    /** An authenticated protocol message for the core, from the principal the channel is bound to (or the client a replica relays). */
    record Deliver(int from, Message message, BitSet unverified) implements ChannelVerdict {}

    /** Send {@code frame} back on the same channel (our NEW-KEY, answering a replica's). */
    record Reply(byte[] frame) implements ChannelVerdict {}

    /**
     * The channel is now {@code principal}'s: send {@code first} on it first if not null (the
     * dialer's proof, so everything after it arrives bound), then make it the principal's route.
     */
    record Bind(int principal, byte[] first) implements ChannelVerdict {}

    /** Dropped; counted under {@code reason}. */
    record Drop(ChannelReject reason) implements ChannelVerdict {}

    /** Close the connection; counted under {@code reason}. */
    record Close(ChannelReject reason) implements ChannelVerdict {}

    /** Nothing to do (a NEW-KEY taken, or a frame the frame layer rejected and counted). */
    record Nothing() implements ChannelVerdict {}

    Nothing NOTHING = new Nothing();
}
