package io.bulwark.bft.sim;

import io.bulwark.bft.msg.Message;
import io.bulwark.bft.msg.Request;

/**
 * How a simulated node turns messages into what travels on the simulated network and back.
 * {@link PlainLink} passes the records themselves; {@link WireLink} uses the real frame codec and
 * MACs, so the simulator exercises authentication and decoding too.
 */
interface Link {
    /** The payload of a message to one receiver. */
    Object sealTo(int to, Message m);

    /** The payload of a message to every replica (one authenticator, computed once). */
    Object sealMulticast(Message m);

    /** Opens a payload from the network: the authenticated message, or null if rejected (counted). */
    Received open(Object payload);

    record Received(int from, Message message) {}
}
