package io.bulwark.bft.testkit.attack;

import io.bulwark.bft.config.ProtocolConfig;
import io.bulwark.bft.node.OutboundInterceptor;

/** The faulty replicas {@code bulwark replica --adversary NAME} runs, by name. */
public final class ReplicaAttack {
    private ReplicaAttack() { }

    /** The names {@link #parse} knows. */
    public static final String NAMES = "slow-primary, silent or wrong-results";

    /**
     * The interceptor for {@code name} (null: a correct replica, {@link OutboundInterceptor#NONE}).
     * A slow primary holds its pre-prepares back the view-change timeout minus {@code marginMs}.
     */
    public static OutboundInterceptor parse(String name, ProtocolConfig cfg, long marginMs) {
        if (name == null) return OutboundInterceptor.NONE;
        return switch (name) {
            case "slow-primary" -> {
                if (marginMs < 0 || marginMs >= cfg.viewChangeTimeoutMs())
                    throw new IllegalArgumentException("--adversary-margin-ms must be in [0, view-change timeout)");
                yield new SlowPrimary(cfg.viewChangeTimeoutMs() - marginMs);
            }
            case "silent" -> new SilentReplica();
            case "wrong-results" -> new WrongResults();
            default -> throw new IllegalArgumentException("unknown adversary '" + name + "' (expected " + NAMES + ")");
        };
    }
}
