package io.bulwark.bft.sim.adversary;

import io.bulwark.bft.msg.Request;

/**
 * A client that sends different requests under one timestamp to different replicas (each properly
 * authenticated), retransmits each replica its own version a few times, and sometimes goes back to
 * an old timestamp with yet another operation. Replicas must agree on at most one request per
 * timestamp and execute it at most once.
 */
public final class EquivocatingClient extends ByzantineClient {
    public EquivocatingClient(ClientPort port) { super(port); }

    @Override protected void step() {
        if (!port.running()) return;
        var rnd = port.random();
        long ts = timestamp > 1 && rnd.nextInt(5) == 0 ? timestamp - rnd.nextLong(Math.min(timestamp, 4)) : ++timestamp;
        Request a = request(ts, operation(), false), b = request(ts, operation(), false);
        long toA = 0;
        for (int j = 0; j < n; j++) if (rnd.nextBoolean()) toA |= 1L << j;
        send(a, b, toA);
        int retransmissions = rnd.nextInt(4);
        for (int i = 1; i <= retransmissions; i++) {
            long mask = toA;
            port.after(i * port.config().clientRetransmitMs() * 1000, () -> { if (port.running()) send(a, b, mask); });
        }
        port.after(rnd.nextLong(5_000, 100_000), this::step);
    }

    private void send(Request a, Request b, long toA) {
        for (int j = 0; j < n; j++) port.send(j, (toA & (1L << j)) != 0 ? a : b);
        sent += 2;
    }
}
