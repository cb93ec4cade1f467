package io.bulwark.bft.sim;

import io.bulwark.bft.config.ProtocolConfig;
import io.bulwark.bft.msg.Request;
import io.bulwark.bft.sim.adversary.Adversary;
import io.bulwark.bft.sim.adversary.ByzantineClient;
import io.bulwark.bft.sim.adversary.ClientPort;
import io.bulwark.bft.sim.adversary.Coverage;
import java.util.SplittableRandom;
import java.util.function.BooleanSupplier;
import java.util.function.Function;

/** Hosts a {@link ByzantineClient} in the simulator: its link (identity and keys), the clock and the network. */
final class SimByzantineClient implements SimNetwork.Receiver, ClientPort {
    private final int id;
    private final ProtocolConfig cfg;
    private final Link link;
    private final EventQueue events;
    private final SimNetwork net;
    private final SplittableRandom rnd;
    private final History history;
    private final int sharedKeys;
    private final BooleanSupplier running;
    private final Coverage coverage;
    final ByzantineClient client;

    SimByzantineClient(int id, ProtocolConfig cfg, Link link, EventQueue events, SimNetwork net, SplittableRandom rnd,
                       History history, int sharedKeys, BooleanSupplier running, Function<ClientPort, ByzantineClient> kind,
                       Coverage coverage) {
        this.coverage = coverage;
        this.id = id;
        this.cfg = cfg;
        this.link = link;
        this.events = events;
        this.net = net;
        this.rnd = rnd;
        this.history = history;
        this.sharedKeys = sharedKeys;
        this.running = running;
        this.client = kind.apply(this);
    }

    @Override public void deliver(int from, Object payload) {
        Link.Received r = link.open(payload);
        if (r != null && !r.isKey()) client.receive(r.from(), r.message());
    }

    @Override public int self() { return id; }

    @Override public ProtocolConfig config() { return cfg; }

    @Override public long nowUs() { return events.now(); }

    @Override public SplittableRandom random() { return rnd; }

    @Override public void after(long delayUs, Runnable r) { events.after(delayUs, r); }

    @Override public boolean running() { return running.getAsBoolean(); }

    @Override public void send(int to, Request r) { net.send(id, to, link.sealTo(to, r)); }

    @Override public void sendPartial(int to, Request r, long validAt) { net.send(id, to, link.sealRequestValidAt(r, validAt)); }

    @Override public int sharedKeys() { return sharedKeys; }

    @Override public void acted(Adversary adversary) { coverage.acted(adversary); }

    @Override public void recordWrite(int key, long value) { history.invoke(id, key, new RegisterModel.Write(value), events.now()); }
}
