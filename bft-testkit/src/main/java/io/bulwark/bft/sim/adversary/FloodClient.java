package io.bulwark.bft.sim.adversary;

/**
 * A client that floods: bursts of requests with fresh timestamps every few hundred microseconds,
 * without waiting for replies, to every replica (so every backup relays them to the primary),
 * mixing ordered and read-only requests. Bounded: bursts of at most 150 requests, one every
 * 0.5 to 2 s, so the cost of a run stays predictable.
 */
public final class FloodClient extends ByzantineClient {
    private int burstLeft;

    public FloodClient(ClientPort port) { super(port); }

    @Override protected void step() {
        if (!port.running()) return;
        var rnd = port.random();
        if (burstLeft == 0) burstLeft = 20 + rnd.nextInt(131);
        sendAll(request(++timestamp, operation(), rnd.nextInt(4) == 0));
        burstLeft--;
        port.after(burstLeft > 0 ? rnd.nextLong(100, 1_000) : rnd.nextLong(500_000, 2_000_000), this::step);
    }
}
