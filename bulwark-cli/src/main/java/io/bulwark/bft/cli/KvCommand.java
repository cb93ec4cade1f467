package io.bulwark.bft.cli;

import io.bulwark.bft.config.KeyMaterial;
import io.bulwark.bft.config.ProtocolConfig;
import io.bulwark.bft.durable.LockHeldException;
import io.bulwark.bft.durable.PrincipalLock;
import io.bulwark.bft.durable.ProcessLock;
import io.bulwark.bft.node.BftClient;
import io.bulwark.bft.service.KvOps;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeoutException;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code bulwark kv}: a scripting client for the key-value service, one operation per call. get is a
 * read-only request. Exit codes tell a script what happened: 0 done (get prints the value, which may
 * be empty), 3 get found no value for the key, 1 the group did not answer or refused, 2 bad usage.
 * Without an operation it runs a session ({@link KvSession}): one operation per line of standard
 * input, one answer per line of standard output, over one connection and one key exchange.
 */
@Command(name = "kv", mixinStandardHelpOptions = true,
        customSynopsis = {"bulwark kv --config=FILE --client=ID [OPTIONS] OP KEY [VALUE]",
                "       bulwark kv --config=FILE --client=ID [OPTIONS]    (a session: operations on standard input)"},
        description = {"Send one put, get or delete to the kv service and print the certified result.",
                "Without OP: a session, one operation per line of standard input (put KEY VALUE, get KEY,",
                "delete KEY), one answer per line of standard output: 'ok', 'value <text>', 'none' (no",
                "value) or 'error <why>'."},
        exitCodeListHeading = "Exit codes:%n",
        exitCodeList = {"0:done (get prints the value, possibly empty)", "1:no certified reply, the service refused, or the client id is in use",
                "2:bad usage", "3:get: no value for that key",
                "(a session: 0 when every line was answered, 1 when any line got 'error')"},
        footer = "Only one process at a time may run a client id: a second one fails at once, naming the first's pid.")
final class KvCommand implements Callable<Integer> {
    @Option(names = "--config", required = true, description = "The cluster.conf file; key files are read from its directory.")
    Path config;

    @Option(names = "--client", required = true, description = "This client's id (its key file must be in the config directory).")
    int client;

    @Option(names = "--tls", description = "on or off (default: as cluster.conf says); must match the replicas.")
    String tls;

    @Option(names = "--timeout", defaultValue = "10", description = "Seconds to wait for a certified reply, at least 1 (default: ${DEFAULT-VALUE}).")
    int timeoutSeconds;

    @Parameters(index = "0", arity = "0..1", paramLabel = "OP", description = "put, get or delete; none: a session on standard input")
    String op;

    @Parameters(index = "1", arity = "0..1", paramLabel = "KEY", description = "The key.")
    String key;

    @Parameters(index = "2", arity = "0..1", paramLabel = "VALUE", description = "The value (put only).")
    String value;

    /** The printed result of a get that found no value: on standard error, with exit code 3. */
    static final int NOT_FOUND = 3;

    @Override
    public Integer call() throws Exception {
        if (timeoutSeconds < 1) throw new IllegalArgumentException("--timeout must be at least 1 second, was " + timeoutSeconds);
        if (op == null) return session();
        if (key == null) throw new IllegalArgumentException("usage: " + op + " KEY" + (op.equals("put") ? " VALUE" : ""));
        List<String> words = value == null ? List.of(op, key) : List.of(op, key, value);
        byte[] operation;
        boolean readOnly = false;
        switch (op) {
            case "put" -> {
                if (words.size() != 3) throw new IllegalArgumentException("usage: put KEY VALUE");
                operation = KvOps.put(words.get(1), words.get(2));
            }
            case "get" -> {
                if (words.size() != 2) throw new IllegalArgumentException("usage: get KEY");
                operation = KvOps.get(words.get(1));
                readOnly = true;
            }
            case "delete" -> {
                if (words.size() != 2) throw new IllegalArgumentException("usage: delete KEY");
                operation = KvOps.delete(KvOps.utf8(words.get(1)));
            }
            default -> throw new IllegalArgumentException("unknown operation '" + op + "' (expected put, get or delete)");
        }
        boolean ro = readOnly;
        return withClient((c, timeout) -> {
            byte[] result = c.invoke(operation, ro, timeout);
            String text = KvOps.describe(result);
            if (result.length > 0 && result[0] == KvOps.ERROR) {
                System.err.println("bulwark kv: " + text);
                return 1;
            }
            if (op.equals("get") && result.length == 1 && result[0] == KvOps.OK) {
                // No value: distinct from an empty value (printed as an empty line) and from a value
                // that happens to read "(not found)".
                System.err.println("bulwark kv: no value for key '" + key + "'");
                return NOT_FOUND;
            }
            System.out.println(text);
            return 0;
        });
    }

    private int session() throws Exception {
        if (key != null || value != null) throw new IllegalArgumentException("usage: kv OP KEY [VALUE], or no OP for a session");
        return withClient((c, timeout) -> {
            var in = new java.io.BufferedReader(new java.io.InputStreamReader(System.in, java.nio.charset.StandardCharsets.UTF_8));
            return new KvSession(c, timeout).run(in, System.out) ? 0 : 1;
        });
    }

    private interface ClientWork { int run(BftClient c, Duration timeout) throws Exception; }

    /** Loads this client's keys, takes its lock, connects, and runs {@code work}; the exit code. */
    private int withClient(ClientWork work) throws Exception {
        Path dir = config.toAbsolutePath().getParent();
        KeyMaterial keys = KeyMaterial.load(dir, client);
        if (tls != null) keys = keys.withTls(TlsChoice.on(tls));
        ProtocolConfig cfg = ProtocolConfig.defaults(keys.config().f());
        Duration timeout = Duration.ofSeconds(timeoutSeconds);
        ProcessLock lock;
        try {
            // One process per client id (issue 12): two would share its request timestamps, and the
            // replicas would take one's requests for the other's retransmissions.
            lock = PrincipalLock.acquire(dir, keys.config(), client);
        } catch (LockHeldException e) {
            System.err.println("bulwark kv: " + e.getMessage());
            return 1;
        }
        try (lock; BftClient c = BftClient.connect(keys, cfg)) {
            if (!c.awaitConnected(timeout)) {
                System.err.println("bulwark kv: could not connect: " + c.keyAcks() + " replicas acknowledged this client's key within " + timeoutSeconds
                        + " s, 2f+1 = " + (2 * keys.config().f() + 1) + " are needed (is the replica group running?)");
                return 1;
            }
            return work.run(c, timeout);
        } catch (TimeoutException e) {
            System.err.println("bulwark kv: " + KvSession.noReply(timeoutSeconds));
            return 1;
        }
    }
}
