package io.bulwark.store.bench.app;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.atomic.AtomicReference;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The HTTP side of {@code bench app}: the sample bank's REST API driven with the JDK's {@link HttpClient}. Setup: the
 * teller opens one account per load user and deposits into each. Load: {@code clients} closed-loop clients, client k
 * logged in as {@code load(k+1)} (its own BFT client identity on the app server), each moving 1..{@code maxAmount}
 * cents from its account to another chosen by a seeded generator; transfers completed inside the measured window
 * (started after the warm-up, finished before its end) count, with their latency.
 */
final class BankLoad {
    /** HTTP statuses that are the bank's agreed refusals (a completed transaction that moved nothing). */
    private static final List<Integer> REFUSALS = List.of(403, 404, 409, 422);
    private static final Duration REQUEST_TIMEOUT = Duration.ofSeconds(60);

    record Result(long applied, long refused, long failed, long[] latenciesNanos, double measuredSeconds, String firstFailure) {
        long completed() { return applied + refused; }
    }

    record Audit(long deposits, long ledgerBalances, long sumOfAccounts) {
        boolean balanced() { return deposits == ledgerBalances && ledgerBalances == sumOfAccounts; }
    }

    private final URI base;
    private final int clients;

    BankLoad(URI base, int clients) {
        this.base = base;
        this.clients = clients;
    }

    /** Opens an account for each load user and deposits {@code initial} cents in it; the account ids, by client. */
    long[] setup(long initial) throws IOException, InterruptedException {
        HttpClient http = client();
        long[] accounts = new long[clients];
        for (int k = 0; k < clients; k++) {
            String owner = "load" + (k + 1);
            accounts[k] = number(call(http, "teller", "POST", "api/accounts", "{\"owner\":\"" + owner + "\",\"name\":\"bench\"}", 200), "id");
            call(http, "teller", "POST", "api/accounts/" + accounts[k] + "/deposits", "{\"amount\":" + initial + "}", 200);
        }
        return accounts;
    }

    Audit audit() throws IOException, InterruptedException {
        String body = call(client(), "teller", "GET", "api/audit", null, 200);
        return new Audit(number(body, "deposits"), number(body, "ledgerBalances"), number(body, "sumOfAccounts"));
    }

    /** Runs the load: warm-up, then the measured window; every client stops by itself at the window's end. */
    Result run(long[] accounts, Duration warmup, Duration measure, long maxAmount, long seed) throws InterruptedException {
        long start = System.nanoTime(), from = start + warmup.toNanos(), until = from + measure.toNanos();
        Worker[] workers = new Worker[clients];
        Thread[] threads = new Thread[clients];
        AtomicReference<String> firstFailure = new AtomicReference<>();
        for (int k = 0; k < clients; k++) {
            workers[k] = new Worker(k, accounts, maxAmount, new SplittableRandom(seed * 1_000_003L + k), from, until, firstFailure);
            threads[k] = new Thread(workers[k], "bench-app-client-" + k);
            threads[k].setDaemon(true);
            threads[k].start();
        }
        for (Thread t : threads) t.join();
        long applied = 0, refused = 0, failed = 0;
        List<long[]> all = new ArrayList<>();
        for (Worker w : workers) {
            applied += w.applied;
            refused += w.refused;
            failed += w.failed;
            all.add(Arrays.copyOf(w.latencies, w.count));
        }
        long[] merged = all.stream().flatMapToLong(Arrays::stream).sorted().toArray();
        return new Result(applied, refused, failed, merged, measure.toNanos() / 1e9, firstFailure.get());
    }

    private final class Worker implements Runnable {
        final int k;
        final long[] accounts;
        final long maxAmount;
        final SplittableRandom random;
        final long from, until;
        final AtomicReference<String> firstFailure;
        long applied, refused, failed;
        long[] latencies = new long[1024];
        int count;

        Worker(int k, long[] accounts, long maxAmount, SplittableRandom random, long from, long until, AtomicReference<String> firstFailure) {
            this.k = k;
            this.accounts = accounts;
            this.maxAmount = maxAmount;
            this.random = random;
            this.from = from;
            this.until = until;
            this.firstFailure = firstFailure;
        }

        @Override public void run() {
            HttpClient http = client();
            String user = "load" + (k + 1);
            while (System.nanoTime() < until) {
                int other = accounts.length == 1 ? k : (k + 1 + random.nextInt(accounts.length - 1)) % accounts.length;
                long amount = 1 + random.nextLong(maxAmount);
                String body = "{\"from\":" + accounts[k] + ",\"to\":" + accounts[other] + ",\"amount\":" + amount + "}";
                long t0 = System.nanoTime();
                int status;
                String failure = null;
                try {
                    HttpResponse<String> r = http.send(request(user, "POST", "api/transfers", body), HttpResponse.BodyHandlers.ofString());
                    status = r.statusCode();
                    if (status != 200 && !REFUSALS.contains(status)) failure = "HTTP " + status + ": " + r.body();
                } catch (IOException e) {
                    status = -1;
                    failure = e.toString();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return;
                }
                long t1 = System.nanoTime();
                if (t0 < from || t1 > until) continue;   // warm-up, or past the window: not measured
                if (failure != null) {
                    failed++;
                    firstFailure.compareAndSet(null, user + ": " + failure);
                    continue;
                }
                if (status == 200) applied++;
                else refused++;
                if (count == latencies.length) latencies = Arrays.copyOf(latencies, count * 2);
                latencies[count++] = t1 - t0;
            }
        }
    }

    private static HttpClient client() {
        return HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).connectTimeout(Duration.ofSeconds(10)).build();
    }

    private HttpRequest request(String user, String method, String path, String json) {
        HttpRequest.Builder b = HttpRequest.newBuilder(base.resolve(path)).timeout(REQUEST_TIMEOUT).header("Accept", "application/json")
                .header("Authorization", "Basic " + Base64.getEncoder().encodeToString((user + ":" + user).getBytes(StandardCharsets.UTF_8)));
        if (json == null) return b.GET().build();
        return b.header("Content-Type", "application/json").method(method, HttpRequest.BodyPublishers.ofString(json)).build();
    }

    /** One call during setup or the audit; an IOException naming it unless the status is {@code expected}. */
    private String call(HttpClient http, String user, String method, String path, String json, int expected) throws IOException, InterruptedException {
        HttpResponse<String> r = http.send(request(user, method, path, json), HttpResponse.BodyHandlers.ofString());
        if (r.statusCode() != expected) throw new IOException(method + " " + path + " as " + user + ": HTTP " + r.statusCode() + " " + r.body());
        return r.body();
    }

    static long number(String json, String field) throws IOException {
        Matcher m = Pattern.compile("\"" + field + "\"\\s*:\\s*(-?\\d+)").matcher(json);
        if (!m.find()) throw new IOException("no number " + field + " in " + json);
        return Long.parseLong(m.group(1));
    }
}
