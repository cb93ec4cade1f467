package io.bulwark.bft.sim.adversary;

/**
 * Issue 20's route hijack, as a network adversary: with probability {@code rate} per message sent,
 * the network opens a new link to a replica and replays on it, unchanged, what it captured of
 * another principal (its NEW-KEY and a BIND-PROOF it once made on another link), hoping the replica
 * takes the new link for that principal's route. Were it taken, the simulated network would divert
 * everything the replica sends to that principal to the attacker (see
 * {@link NetworkTap.TapContext#hijack}); with channel binding no replay ever binds.
 */
public final class RouteHijacker implements NetworkTap {
    private final double rate;
    private long attempts, bound;

    public RouteHijacker(double rate) { this.rate = rate; }

    /** Links opened and replayed on. */
    public long attempts() { return attempts; }

    /** Replays a replica took for the victim's route (must stay 0). */
    public long bound() { return bound; }

    @Override public void onSend(int from, int to, Object payload, TapContext ctx) {
        var rnd = ctx.random();
        if (rnd.nextDouble() >= rate) return;
        int target = rnd.nextInt(ctx.replicas());
        int victim = rnd.nextInt(ctx.principals() - 1);
        if (victim >= target) victim++;
        attempts++;
        ctx.acted(Adversary.ROUTE_HIJACK);   // a replayed handshake on a new link: what channel binding must refuse
        if (ctx.hijack(victim, target)) bound++;
    }
}
