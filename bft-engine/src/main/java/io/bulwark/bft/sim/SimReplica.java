package io.bulwark.bft.sim;

import io.bulwark.bft.config.ProtocolConfig;
import io.bulwark.bft.core.Action;
import io.bulwark.bft.core.Replica;
import io.bulwark.bft.core.TimerKind;
import io.bulwark.bft.msg.Request;
import io.bulwark.bft.service.PagedState;
import io.bulwark.bft.service.Service;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;

/** A replica in the simulator: the pure core, a service on its paged state, and the driver loop that performs actions. */
final class SimReplica implements SimNetwork.Receiver {
    final Replica core;
    final PagedState state;
    private final Service service;
    private final Link link;
    private final EventQueue events;
    private final SimNetwork net;
    private final SafetyMonitor safety;
    private final int n;
    private final long clockSkewMs;
    private final long[] timerDeadline = new long[TimerKind.values().length];
    private final EnumSet<TimerKind> missedTimers = EnumSet.noneOf(TimerKind.class);
    private final List<Action> work = new ArrayList<>();
    private boolean stopped;
    long executedRequests;

    SimReplica(int id, ProtocolConfig cfg, Service service, int pages, Link link, EventQueue events, SimNetwork net,
               SafetyMonitor safety, long clockSkewMs) {
        this.core = new Replica(id, cfg);
        this.state = new PagedState(pages, cfg.pageSize());
        this.service = service;
        this.link = link;
        this.events = events;
        this.net = net;
        this.safety = safety;
        this.n = cfg.n();
        this.clockSkewMs = clockSkewMs;
        service.init(state);
    }

    /** This replica's clock: simulated time plus its own skew. */
    long clock() { return events.now() / 1000 + clockSkewMs; }

    void start() {
        core.start(clock());
        drive();
    }

    void stop() { stopped = true; net.setCutOff(core.id(), true); }

    void resume() {
        stopped = false;
        net.setCutOff(core.id(), false);
        for (TimerKind k : missedTimers) core.timeout(clock(), k);
        missedTimers.clear();
        drive();
    }

    boolean stopped() { return stopped; }

    @Override public void deliver(Object payload) {
        if (stopped) return;
        Link.Received r = link.open(payload);
        if (r == null) return;
        core.receive(clock(), r.from(), r.message());
        drive();
    }

    /** Performs the core's actions, in order, until it has nothing more to say. */
    private void drive() {
        core.drainTo(work);
        for (int i = 0; i < work.size(); i++) {
            perform(work.get(i));
            core.drainTo(work);
        }
        work.clear();
    }

    private void perform(Action a) {
        int self = core.id();
        if (net.transmit(self, a, link, n)) return;
        if (a instanceof Action.SetTimer t) {
            long deadline = t.deadline();
            timerDeadline[t.kind().ordinal()] = deadline;
            events.at((deadline - clockSkewMs) * 1000, () -> fire(t.kind(), deadline));
        } else if (a instanceof Action.Execute e) {
            safety.onExecute(self, e.seq(), e.nonDet(), e.requests());
            List<byte[]> results = new ArrayList<>(e.requests().size());
            for (Request r : e.requests()) results.add(service.execute(r.operation(), r.client(), e.nonDet(), false));
            executedRequests += results.size();
            var digest = e.checkpoint() ? state.digest() : null;
            if (digest != null) safety.onCheckpoint(self, e.seq(), digest);
            core.executed(clock(), e.seq(), results, digest);
        } else if (a instanceof Action.ExecuteReadOnly r) {
            byte[] result = service.execute(r.request().operation(), r.request().client(), new byte[0], true);
            core.executedReadOnly(clock(), r.request(), result);
        } else {
            throw new IllegalStateException("a replica cannot perform " + a);
        }
    }

    private void fire(TimerKind kind, long deadline) {
        if (timerDeadline[kind.ordinal()] != deadline) return;   // re-armed since
        if (stopped) { missedTimers.add(kind); return; }
        core.timeout(clock(), kind);
        drive();
    }
}
