package io.bulwark.bft.sim.adversary;

import io.bulwark.bft.msg.Request;

/**
 * A client that sends each request to the primary it believes in, and to no backup, retransmitting
 * it there a few times. A primary that names the request by digest (issue 16 item 2) leaves every
 * backup without it: they must fetch the batch body by its digest, not wait for a copy that never
 * comes, and the correct clients' requests batched with it must still complete.
 */
public final class PrimaryOnlyClient extends ByzantineClient {
    public PrimaryOnlyClient(ClientPort port) { super(port); }

    @Override protected void step() {
        if (!port.running()) return;
        var rnd = port.random();
        Request q = request(++timestamp, operation(), false);
        int to = primary();
        send(to, q);
        int retransmissions = rnd.nextInt(3);
        for (int i = 1; i <= retransmissions; i++)
            port.after(i * port.config().clientRetransmitMs() * 1000, () -> { if (port.running()) send(to, q); });
        port.after(rnd.nextLong(5_000, 100_000), this::step);
    }

    private void send(int to, Request q) {
        port.acted(Adversary.PRIMARY_ONLY_CLIENT);
        port.send(to, q);
        sent++;
    }
}
