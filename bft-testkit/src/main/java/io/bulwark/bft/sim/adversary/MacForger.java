package io.bulwark.bft.sim.adversary;

/**
 * Forged MACs: with probability {@code rate} per message, the network also delivers a forgery made
 * from it (bits flipped anywhere in the frame, or another claimed sender) to its receiver or to a
 * random principal. Every forgery must be rejected before it reaches a core; {@link #forged()}
 * counts them so a test can compare with the receivers' rejection counters.
 */
public final class MacForger implements NetworkTap {
    private final double rate;
    private long forged;

    public MacForger(double rate) { this.rate = rate; }

    public long forged() { return forged; }

    @Override public void onSend(int from, int to, Object payload, TapContext ctx) {
        var rnd = ctx.random();
        if (rnd.nextDouble() >= rate) return;
        int target = rnd.nextInt(4) == 0 ? rnd.nextInt(ctx.principals()) : to;
        forged++;
        ctx.inject(from, target, ctx.forge(payload), rnd.nextLong(1, 5_000));
    }
}
