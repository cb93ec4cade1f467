package io.bulwark.bft.sim;

import io.bulwark.bft.msg.Message;

/** A link that passes message records as they are; the sender's identity travels beside them. */
final class PlainLink implements Link {
    private final int self;

    PlainLink(int self) { this.self = self; }

    @Override public Object sealTo(int to, Message m) { return new Received(self, m); }

    @Override public Object sealMulticast(Message m) { return new Received(self, m); }

    @Override public Received open(Object payload) { return (Received) payload; }
}
