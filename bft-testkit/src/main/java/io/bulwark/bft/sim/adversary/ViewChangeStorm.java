package io.bulwark.bft.sim.adversary;

import io.bulwark.bft.msg.Commit;
import io.bulwark.bft.msg.Message;
import io.bulwark.bft.msg.NewView;
import io.bulwark.bft.msg.PrePrepare;
import io.bulwark.bft.msg.PrePrepareByDigest;
import io.bulwark.bft.msg.Prepare;
import io.bulwark.bft.msg.ViewChange;
import io.bulwark.bft.msg.ViewChangeAck;
import java.util.SplittableRandom;

/**
 * A PCT-style scheduler (Burckhardt et al., "a randomized scheduler with probabilistic guarantees
 * of finding bugs"): instead of independent random delays, at a few random change points it changes
 * whose messages are slow, and by much — long enough, often, to exceed the view-change timeout while
 * requests are in flight, so view changes follow one another with COMMITs and VIEW-CHANGEs only
 * partly delivered (section 4.5). Modes, one per epoch, each aimed at one correct victim: all its
 * messages slow; COMMITs to it slow (prepared, not committed); COMMITs slow to every replica but it
 * (it alone commits); its VIEW-CHANGEs and acks slow (left out of the next NEW-VIEW); PRE-PREPAREs and
 * NEW-VIEWs slow to it. Acts until the network heals, so liveness afterwards is kept.
 */
public final class ViewChangeStorm implements MessageScheduler {
    private final int n;
    private final boolean[] faulty;
    private final SplittableRandom rnd;
    private final long timeoutUs;
    private final long healAtUs;
    private long epochEnd = -1;
    private int victim, mode;
    private long delayUs;
    /** Messages this adversary delayed, and epochs (change points) it went through. */
    public long delayed, changePoints;

    public ViewChangeStorm(int n, boolean[] faulty, long viewChangeTimeoutMs, long healAtUs, SplittableRandom rnd) {
        this.n = n;
        this.faulty = faulty.clone();
        this.rnd = rnd;
        this.timeoutUs = viewChangeTimeoutMs * 1000;
        this.healAtUs = healAtUs;
    }

    @Override public long delayUs(int from, int to, Message m, long nowUs) {
        if (nowUs >= healAtUs) return 0;
        if (nowUs >= epochEnd) newEpoch(nowUs);
        if (!hit(from, to, m)) return 0;
        delayed++;
        return delayUs / 2 + rnd.nextLong(1 + delayUs / 2);
    }

    private boolean hit(int from, int to, Message m) {
        return switch (mode) {
            case 0 -> from == victim;
            case 1 -> to == victim && m instanceof Commit;
            case 2 -> to != victim && to < n && m instanceof Commit;
            case 3 -> from == victim && (m instanceof ViewChange || m instanceof ViewChangeAck);
            case 4 -> to == victim && (m instanceof PrePrepare || m instanceof PrePrepareByDigest || m instanceof NewView || m instanceof Prepare);
            default -> false;
        };
    }

    private void newEpoch(long nowUs) {
        changePoints++;
        epochEnd = nowUs + rnd.nextLong(timeoutUs / 4, 3 * timeoutUs);
        int correct = 0;
        for (boolean b : faulty) if (!b) correct++;
        int k = rnd.nextInt(correct);
        for (int j = 0; j < n; j++) if (!faulty[j] && k-- == 0) { victim = j; break; }
        mode = rnd.nextInt(6);   // 5: a quiet epoch
        // Half of the time past the view-change timeout: the victim's peers suspect, or it does.
        delayUs = rnd.nextBoolean() ? rnd.nextLong(timeoutUs / 10, timeoutUs) : rnd.nextLong(timeoutUs, 4 * timeoutUs);
    }
}
