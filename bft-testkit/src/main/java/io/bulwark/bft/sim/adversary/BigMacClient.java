package io.bulwark.bft.sim.adversary;

import io.bulwark.bft.msg.Request;

/**
 * The "big MAC" attack of Aardvark (Clement et al., NSDI 2009): requests whose authenticator is
 * valid at some replicas only, typically at the primary (so it accepts and orders the request)
 * but not at enough backups for the batch to prepare. Sent to every replica, retransmitted a few
 * times, one timestamp after another.
 */
public final class BigMacClient extends ByzantineClient {
    public BigMacClient(ClientPort port) { super(port); }

    @Override protected void step() {
        if (!port.running()) return;
        var rnd = port.random();
        Request r = request(++timestamp, operation(), false);
        long valid = 0;
        for (int j = 0; j < n; j++) if (rnd.nextInt(3) == 0) valid |= 1L << j;
        if (rnd.nextInt(5) != 0) valid |= 1L << primary();
        long mask = valid;
        send(r, mask);
        int retransmissions = rnd.nextInt(3);
        for (int i = 1; i <= retransmissions; i++)
            port.after(i * port.config().clientRetransmitMs() * 1000, () -> { if (port.running()) send(r, mask); });
        port.after(rnd.nextLong(10_000, 150_000), this::step);
    }

    private void send(Request r, long validAt) {
        for (int j = 0; j < n; j++) port.sendPartial(j, r, validAt);
        sent++;
    }
}
