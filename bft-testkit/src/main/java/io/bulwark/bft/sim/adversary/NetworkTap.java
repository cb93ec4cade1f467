package io.bulwark.bft.sim.adversary;

/**
 * A link-level adversary: sees every payload the simulated network carries (the sealed frame, or
 * the record in plain mode) and may inject payloads of its own. It cannot seal anything: it holds
 * no keys, so what it injects is either a copy of something sent before (a replay) or a forgery.
 */
public interface NetworkTap {

    /** {@code payload} is on its way from {@code from} to {@code to}. */
    void onSend(int from, int to, Object payload, TapContext ctx);

    /** What a tap can do. */
    interface TapContext {
        long nowUs();

        int replicas();

        /** Replicas and clients. */
        int principals();

        java.util.SplittableRandom random();

        /** Delivers {@code payload} to {@code to} after {@code delayUs}, as if sent by {@code from}. */
        void inject(int from, int to, Object payload, long delayUs);

        /**
         * A forgery made from a genuine payload: the frame with bits flipped (in its header, body or
         * MAC) or with another claimed sender; in plain mode, a record marked as failing its MAC
         * check. Receivers must reject it.
         */
        Object forge(Object payload);

        /** Whether a payload sealed for {@code to} still authenticates at another receiver (multicast authenticators do). */
        boolean replayableElsewhere(Object payload);

        /** Reports one action of {@code adversary} that could matter (a forgery or replay injected): see {@link Coverage}. */
        default void acted(Adversary adversary) {}
        /**
         * Opens a new link to replica {@code target} and replays on it what the network captured of
         * {@code victim}'s handshake (its NEW-KEY and a proof it made on another link). Returns true
         * if {@code target} bound the link to {@code victim}: from then on the network diverts what
         * {@code target} sends to {@code victim} (the attacker holds the route). Plain links model no
         * connections: nothing happens.
         */
        default boolean hijack(int victim, int target) { return false; }
    }
}
