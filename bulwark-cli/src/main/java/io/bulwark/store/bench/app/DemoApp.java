package io.bulwark.store.bench.app;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * The sample bank running as {@code ./bulwark demo} runs it (the same script, {@code sample-app/demo.sh}): WildFly 39
 * with the WAR and either the 4 replica hosts or, with {@code unreplicated}, one {@code bulwark unreplicated} store
 * process, on ports free now, with {@code loadUsers} customers {@code load1..} besides the demo's users. Its output
 * goes to {@code progress} prefixed with the system's name. {@link #close} stops the script, which stops everything it
 * started (its trap), then kills whatever of its descendants is left.
 */
final class DemoApp implements AutoCloseable {
    private static final String READY = "demo: ready at ";

    private final String system;
    private final Process process;
    private final CompletableFuture<URI> ready = new CompletableFuture<>();
    private final List<String> tail = new ArrayList<>();
    private final Thread reader;

    private DemoApp(String system, Process process, PrintStream progress) {
        this.system = system;
        this.process = process;
        reader = new Thread(() -> pump(progress), "bench-app-" + system + "-output");
        reader.setDaemon(true);
        reader.start();
    }

    /** Starts the demo script; {@link #awaitReady} waits for its URL. */
    static DemoApp start(Path root, String system, boolean unreplicated, int loadUsers, Path runDir, PrintStream progress) throws IOException {
        Path script = root.resolve("sample-app/demo.sh");
        if (!Files.isRegularFile(script))
            throw new IOException("no " + script + ": run bench app from the source tree (./bulwark bench app), or set BULWARK_HOME to it");
        // --fresh: each run measures a new, empty bank (the demo otherwise goes on with the last run's).
        List<String> cmd = new ArrayList<>(List.of("bash", script.toString(), "--no-build", "--port-offset", "auto", "--fresh",
                "--run-dir", runDir.toString(), "--load-users", String.valueOf(loadUsers)));
        if (unreplicated) cmd.add("--unreplicated");
        Process p = new ProcessBuilder(cmd).directory(root.toFile()).redirectErrorStream(true).redirectInput(ProcessBuilder.Redirect.PIPE).start();
        return new DemoApp(system, p, progress);
    }

    private void pump(PrintStream progress) {
        try (BufferedReader r = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
            for (String line; (line = r.readLine()) != null; ) {
                progress.println("  [" + system + "] " + line);
                synchronized (tail) {
                    tail.add(line);
                    if (tail.size() > 20) tail.remove(0);
                }
                int at = line.indexOf(READY);
                if (at >= 0) ready.complete(URI.create(line.substring(at + READY.length()).strip()));
            }
        } catch (IOException | IllegalArgumentException e) {
            ready.completeExceptionally(e);
        }
        ready.completeExceptionally(new IOException("the demo script ended before the bank was ready (exit " + exitCode() + "): " + lastLines()));
    }

    /** The bank's base URL ({@code http://127.0.0.1:PORT/bank/}) once it answered, or an IOException saying why not. */
    URI awaitReady(long timeoutSeconds) throws IOException, InterruptedException {
        try {
            return ready.get(timeoutSeconds, TimeUnit.SECONDS);
        } catch (java.util.concurrent.ExecutionException e) {
            throw new IOException(system + ": " + e.getCause().getMessage(), e.getCause());
        } catch (java.util.concurrent.TimeoutException e) {
            throw new IOException(system + ": the bank was not ready within " + timeoutSeconds + " s: " + lastLines());
        }
    }

    private String exitCode() { return process.isAlive() ? "still running" : String.valueOf(process.exitValue()); }

    private String lastLines() {
        synchronized (tail) {
            return String.join(" | ", tail);
        }
    }

    /** SIGTERM to the script (it stops the server and the store processes and waits for them), then SIGKILL to any left. */
    @Override public void close() {
        List<ProcessHandle> descendants = process.descendants().toList();
        process.destroy();
        try {
            if (!process.waitFor(120, TimeUnit.SECONDS)) process.destroyForcibly();
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
        }
        for (ProcessHandle h : descendants) if (h.isAlive()) h.destroyForcibly();
        try {
            reader.join(2000);   // the script's last words (what it stopped) before the command goes on
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
