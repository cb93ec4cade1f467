package io.bulwark.bft.cli;

import io.bulwark.bft.node.BftClient;
import io.bulwark.bft.service.KvOps;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import java.util.concurrent.TimeoutException;

/**
 * {@code bulwark kv} without an operation: many operations over one connection and one key exchange
 * (a call per operation costs a JVM start and a NEW-KEY, about 2 s). Each input line is one
 * operation — {@code put KEY VALUE} (the value is the rest of the line, possibly empty or with
 * spaces), {@code get KEY}, {@code delete KEY}; blank lines and lines starting with {@code #} are
 * skipped — and gets exactly one output line, so a script can pair them up:
 * {@code ok} (put, delete), {@code value <text>} (get; the text may be empty), {@code none} (get: no
 * value), or {@code error <why>} (bad line, the service refused, or no certified reply in time; the
 * session goes on).
 */
final class KvSession {
    private final BftClient client;
    private final Duration timeout;

    KvSession(BftClient client, Duration timeout) {
        this.client = client;
        this.timeout = timeout;
    }

    /** Answers every line of {@code in} until its end; whether none got {@code error}. */
    boolean run(BufferedReader in, PrintStream out) throws IOException, InterruptedException {
        boolean clean = true;
        for (String line; (line = in.readLine()) != null; ) {
            if (line.isBlank() || line.startsWith("#")) continue;
            String answer = answer(line);
            if (answer.startsWith("error")) clean = false;
            out.println(answer);
            out.flush();
        }
        return clean;
    }

    String answer(String line) throws InterruptedException {
        String[] words = line.strip().split(" ", 3);
        String op = words[0];
        byte[] operation;
        boolean readOnly = false;
        try {
            switch (op) {
            case "put" -> {
                if (words.length < 2) return "error usage: put KEY VALUE";
                // The value is everything after "put KEY ", spaces included; "put KEY" alone is an empty value.
                String rest = line.stripLeading().substring(4).stripLeading();
                int space = rest.indexOf(' ');
                operation = KvOps.put(words[1], space < 0 ? "" : rest.substring(space + 1));
            }
            case "get" -> {
                if (words.length != 2) return "error usage: get KEY";
                operation = KvOps.get(words[1]);
                readOnly = true;
            }
            case "delete" -> {
                if (words.length != 2) return "error usage: delete KEY";
                operation = KvOps.delete(KvOps.utf8(words[1]));
            }
            default -> { return "error unknown operation '" + op + "' (expected put, get or delete)"; }
            }
        } catch (IllegalArgumentException e) {   // a key or value over the service's limits
            return "error " + e.getMessage();
        }
        byte[] result;
        try {
            result = client.invoke(operation, readOnly, timeout);
        } catch (TimeoutException e) {
            return "error " + noReply(timeout.toSeconds());
        }
        if (result.length == 0) return "error empty result";
        return switch (result[0]) {
            case KvOps.ERROR -> "error " + KvOps.describe(result).substring("error: ".length());
            case KvOps.OK -> op.equals("get") ? "none" : "ok";
            case KvOps.VALUE -> "value " + new String(Arrays.copyOfRange(result, 1, result.length), StandardCharsets.UTF_8);
            default -> "error " + KvOps.describe(result);
        };
    }

    /** What a user reads when the deadline passed: which deadline, and what it means. */
    static String noReply(long timeoutSeconds) {
        return "no certified reply within the " + timeoutSeconds + " s timeout (fewer than f+1 replicas agree or answer)";
    }
}
