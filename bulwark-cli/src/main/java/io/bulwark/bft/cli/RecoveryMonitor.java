package io.bulwark.bft.cli;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The recovery monitor of section 4.4, as a supervisor process that is not the replica: {@code
 * bulwark replica --watchdog T_w} runs the replica as a child JVM from the installed code and, when
 * its watchdog goes off, has the replica save and stop (SIGTERM: the journal is synced, the NEW-KEY
 * counters saved) and starts it again — the "reboot". The restarted replica restores its state and
 * log from disk and recovers (estimation, NEW-KEY, the recovery request, recovered once the
 * checkpoint at its recovery point is stable) while it takes part in the protocol.
 * <p>
 * The watchdog does not depend on failure detection: it goes off every T_w whatever the replica
 * says. Replica i's first recovery comes at (i + 1) * T_w / n, so the replicas recover one at a
 * time, T_w / n apart (section 4.7's staggering: at most one — fewer than f+1 — recovers at once as
 * long as a recovery takes less than T_w / n). A replica that exits on its own (a crash) is
 * restarted after a backoff that doubles from 1 s up to 30 s, reset once it has run for T_w.
 * <p>
 * A real watchdog is hardware the attacker cannot reset; this one is a process the replica's
 * process cannot reach (a separate JVM), which is as far as software goes. It prints one line per
 * event, prefixed {@code monitor:}; the replica's own output passes through unchanged.
 */
final class RecoveryMonitor {
    static final long MIN_BACKOFF_MS = 1_000, MAX_BACKOFF_MS = 30_000;
    /** How long a replica may take to save and stop before it is killed (its journal is durable all the same). */
    static final long STOP_GRACE_MS = 20_000;

    private final List<String> childCommand;
    private final int id, n;
    private final long periodMs;
    private volatile Process child;
    private volatile boolean stopping;
    /** The replica printed its ready line since it was last started; when it first did (0: not yet). */
    private volatile boolean ready;
    private volatile long readyAt;
    private volatile long recoveries, crashes;
    /** The replica said its recovery since its last start is complete (its "recovery complete in" line). */
    private volatile boolean recoveredSinceStart;
    /** Peers whose recovery the replica saw begin and not yet end ("replica j recovers" / "replica j recovered in"), with when. */
    private final java.util.concurrent.ConcurrentHashMap<Integer, Long> peersRecovering = new java.util.concurrent.ConcurrentHashMap<>();
    private static final java.util.regex.Pattern PEER_RECOVERS = java.util.regex.Pattern.compile(": replica (\\d+) recovers \\(request at ");
    private static final java.util.regex.Pattern PEER_RECOVERED = java.util.regex.Pattern.compile(": replica (\\d+) recovered in ");

    RecoveryMonitor(List<String> childCommand, int id, int n, long periodMs) {
        this.childCommand = List.copyOf(childCommand);
        this.id = id;
        this.n = n;
        this.periodMs = periodMs;
    }

    /**
     * The command line that runs the replica itself: this JVM's java, its options (heap, collector, system properties:
     * the operator gave them for the replica; agents and flight recordings excepted, which would clash over their ports
     * and files) and class path, {@code args} without the watchdog.
     */
    static List<String> childCommand(List<String> replicaArgs) {
        List<String> cmd = new ArrayList<>();
        cmd.add(java.nio.file.Path.of(System.getProperty("java.home"), "bin", "java").toString());
        cmd.addAll(childJvmOptions(java.lang.management.ManagementFactory.getRuntimeMXBean().getInputArguments()));
        cmd.add("-cp");
        cmd.add(CliProcesses.classPath());
        cmd.add(BulwarkCli.class.getName());
        cmd.add("replica");
        cmd.addAll(replicaArgs);
        cmd.add("--supervised");
        return cmd;
    }

    /** The monitor's own JVM options that the replica gets too. */
    static List<String> childJvmOptions(List<String> monitorOptions) {
        List<String> out = new ArrayList<>();
        for (String o : monitorOptions)
            if (!(o.startsWith("-agentlib") || o.startsWith("-agentpath") || o.startsWith("-javaagent") || o.startsWith("-Xrunjdwp")
                    || o.startsWith("-XX:StartFlightRecording") || o.startsWith("-XX:FlightRecorderOptions"))) out.add(o);
        return out;
    }

    /** Runs until this process is asked to stop (then stops the replica too). Returns the exit code. */
    int run() throws IOException, InterruptedException {
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            stopping = true;
            Process p = child;
            if (p != null) stopChild(p);
            say("stopped after " + recoveries + " recoveries and " + crashes + " restarts after a crash");
        }, "bulwark-monitor-shutdown"));
        say("watchdog period " + periodMs + " ms; replica " + id + " first recovers " + (id + 1) * periodMs / n + " ms after it is first ready");
        long backoff = MIN_BACKOFF_MS;
        long next = -1;   // the watchdog's next tick: counted from the replica's first ready line
        Process p = start();
        long startedAt = System.currentTimeMillis();
        while (!stopping) {
            if (next < 0 && readyAt > 0) next = readyAt + (id + 1) * periodMs / n;
            long wait = next < 0 || deferredTick == next ? 100 : Math.max(0, next - System.currentTimeMillis());
            if (p.waitFor(wait, TimeUnit.MILLISECONDS)) {
                if (stopping) break;
                // Exited by itself: a crash. Restart after a backoff, so that a crashing replica does not spin.
                crashes++;
                long ran = System.currentTimeMillis() - startedAt;
                if (ran >= periodMs) backoff = MIN_BACKOFF_MS;
                say("replica exited by itself (code " + p.exitValue() + ") after " + ran + " ms; restarting in " + backoff + " ms");
                Thread.sleep(backoff);   // the backoff itself
                backoff = Math.min(MAX_BACKOFF_MS, backoff * 2);
                p = start();
                startedAt = System.currentTimeMillis();
                continue;
            }
            if (stopping || next < 0 || System.currentTimeMillis() < next) continue;
            // Section 4.7: recoveries must not overlap, or more than f replicas are recovering at once and
            // the group stalls. Staggering by T_w/n assumes a recovery is shorter than that; on a slow or
            // loaded machine it is not (ProactiveRecoveryTest: replicas rebooted again before their last
            // recovery completed, while others recovered, and no put was certified for 60 s). So the tick
            // waits while this replica's own recovery is unfinished or another replica's is under way —
            // for at most one period: the replica's output cannot put its reboot off further, so a
            // compromised replica is still rebooted at least every 2 T_w.
            String busy = recoveryUnderWay();
            long now = System.currentTimeMillis();
            if (busy != null && now - next < periodMs) {
                if (deferredTick != next) say("watchdog: recovery " + (recoveries + 1) + " waits: " + busy + " (at most " + periodMs + " ms)");
                deferredTick = next;
                continue;   // polled every 100 ms (the wait above)
            }
            if (busy != null) say("watchdog: recovery " + (recoveries + 1) + " waited " + (now - next) + " ms and goes ahead although " + busy);
            next = Math.max(next + periodMs, now + periodMs / n);
            if (!ready) {
                // Rebooting a replica that has not come up since its last reboot helps nobody (T_w < 4 s R_n, section 4.7).
                say("watchdog: the replica is not ready since its last reboot; this period is skipped (T_w is too short for this machine)");
                continue;
            }
            // The watchdog went off: save and stop (the "reboot"), then start again from the installed code.
            long t0 = System.nanoTime();
            stopChild(p);
            recoveries++;
            say(String.format(java.util.Locale.ROOT, "recovery %d: replica saved and stopped in %.3f s; restarting", recoveries, (System.nanoTime() - t0) / 1e9));
            p = start();
            startedAt = System.currentTimeMillis();
        }
        return 0;
    }

    private long deferredTick = -1;

    /** Why a reboot should wait now (this replica's recovery unfinished, or a peer's under way), or null. */
    private String recoveryUnderWay() {
        if (recoveries > 0 && !recoveredSinceStart) return "this replica's recovery " + recoveries + " has not completed";
        long now = System.currentTimeMillis();
        for (var e : peersRecovering.entrySet())
            if (now - e.getValue() < 2 * periodMs) return "replica " + e.getKey() + " is recovering";
        return null;
    }

    /** Follows the replica's one-line notices about recoveries, its own and its peers'. */
    private void watchRecoveries(String line) {
        if (line.contains("replica " + id + ": recovery complete in ")) recoveredSinceStart = true;
        var m = PEER_RECOVERS.matcher(line);
        if (line.contains("replica " + id + ": ") && m.find()) peersRecovering.put(Integer.parseInt(m.group(1)), System.currentTimeMillis());
        m = PEER_RECOVERED.matcher(line);
        if (line.contains("replica " + id + ": ") && m.find()) peersRecovering.remove(Integer.parseInt(m.group(1)));
    }

    private Process start() throws IOException {
        ready = false;
        recoveredSinceStart = false;
        ProcessBuilder pb = new ProcessBuilder(childCommand).redirectErrorStream(true);
        Process p = pb.start();
        child = p;
        Thread pump = new Thread(() -> {
            try (BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
                for (String line; (line = r.readLine()) != null; ) {
                    if (!ready && child == p && line.endsWith(" " + ReplicaCommand.READY)) {
                        ready = true;
                        if (readyAt == 0) readyAt = System.currentTimeMillis();
                    }
                    if (child == p) watchRecoveries(line);
                    System.out.println(line);
                    System.out.flush();
                }
            } catch (IOException ignored) {
                // the child is gone
            }
        }, "bulwark-monitor-output");
        pump.setDaemon(true);
        pump.start();
        return p;
    }

    /** SIGTERM (the replica's shutdown hook saves and closes), then SIGKILL after the grace period. */
    private static void stopChild(Process p) {
        // SIGTERM through the handle: Process.destroy() also closes our ends of the child's pipes, so
        // everything its shutdown hook prints (the step-down, the stopping: line) was lost, and the
        // child saw its stdin close and took the monitor for gone.
        p.toHandle().destroy();
        try {
            if (!p.waitFor(STOP_GRACE_MS, TimeUnit.MILLISECONDS)) {
                p.toHandle().destroyForcibly();
                p.waitFor(STOP_GRACE_MS, TimeUnit.MILLISECONDS);
            }
        } catch (InterruptedException e) {
            p.destroyForcibly();
            Thread.currentThread().interrupt();
        }
    }

    private void say(String line) {
        System.out.println("monitor: replica " + id + ": " + line);
        System.out.flush();
    }
}
