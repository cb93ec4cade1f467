package io.bulwark.bft.sim.adversary;

/**
 * Replays of old messages: the network keeps a reservoir of genuine payloads it carried and,
 * with probability {@code rate} per message sent, delivers one of them again, to its original
 * receiver or (when its authentication allows it, i.e. a multicast authenticator) to another
 * replica. Replays are authentic, so the protocol itself must shrug them off (old views, sequence
 * numbers below the low water mark, timestamps already executed).
 */
public final class Replayer implements NetworkTap {
    private static final int RESERVOIR = 512;
    private final double rate;
    private final int[] from = new int[RESERVOIR], to = new int[RESERVOIR];
    private final Object[] payloads = new Object[RESERVOIR];
    private long seen, replayed;

    public Replayer(double rate) { this.rate = rate; }

    public long replayed() { return replayed; }

    @Override public void onSend(int sender, int receiver, Object payload, TapContext ctx) {
        var rnd = ctx.random();
        // Reservoir sampling keeps a uniform sample of everything sent so far: mostly old messages.
        long i = seen++;
        int slot = i < RESERVOIR ? (int) i : (int) rnd.nextLong(i + 1);
        if (slot < RESERVOIR) {
            from[slot] = sender;
            to[slot] = receiver;
            payloads[slot] = payload;
        }
        if (rnd.nextDouble() >= rate) return;
        int k = rnd.nextInt((int) Math.min(seen, RESERVOIR));
        int target = to[k];
        if (target < ctx.replicas() && ctx.replayableElsewhere(payloads[k]) && rnd.nextBoolean()) {
            target = rnd.nextInt(ctx.replicas());
            if (target == from[k]) target = to[k];
        }
        replayed++;
        ctx.inject(from[k], target, payloads[k], rnd.nextLong(1, 2_000));
    }
}
