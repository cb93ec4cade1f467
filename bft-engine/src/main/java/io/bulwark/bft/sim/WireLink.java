package io.bulwark.bft.sim;

import io.bulwark.bft.msg.Message;
import io.bulwark.bft.node.Endpoint;
import io.bulwark.bft.node.Inbound;

/**
 * A link through the real authenticated frame layer: messages are encoded and MAC'd by the
 * sender's {@link Endpoint} and decoded and verified by the receiver's, so every simulated message
 * exercises the codec and the session keys established by NEW-KEY.
 */
final class WireLink implements Link {
    private final Endpoint endpoint;
    long rejected;

    WireLink(Endpoint endpoint) { this.endpoint = endpoint; }

    @Override public Object sealTo(int to, Message m) { return endpoint.sealTo(to, m); }

    @Override public Object sealMulticast(Message m) { return endpoint.sealMulticast(m); }

    @Override public Received open(Object payload) {
        byte[] frame = (byte[]) payload;
        Inbound in = endpoint.open(frame, 0, frame.length);
        if (in instanceof Inbound.Deliver d) return new Received(d.from(), d.message());
        rejected++;
        return null;
    }
}
