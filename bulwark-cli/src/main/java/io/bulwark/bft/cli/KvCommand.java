package io.bulwark.bft.cli;

import io.bulwark.bft.config.KeyMaterial;
import io.bulwark.bft.config.ProtocolConfig;
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

/** {@code bulwark kv}: a scripting client for the key-value service. get is a read-only request. */
@Command(name = "kv", mixinStandardHelpOptions = true,
        description = "Send one put/get/delete to the kv service and print the certified result.")
final class KvCommand implements Callable<Integer> {
    @Option(names = "--config", required = true, description = "The cluster.conf file; key files are read from its directory.")
    Path config;

    @Option(names = "--client", required = true, description = "This client's id (its key file must be in the config directory).")
    int client;

    @Option(names = "--timeout", defaultValue = "10", description = "Seconds to wait for a certified reply (default: ${DEFAULT-VALUE}).")
    int timeoutSeconds;

    @Parameters(arity = "2..3", paramLabel = "OP KEY [VALUE]", description = "put KEY VALUE | get KEY | delete KEY")
    List<String> words;

    @Override
    public Integer call() throws Exception {
        String op = words.get(0);
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
        KeyMaterial keys = KeyMaterial.load(config.toAbsolutePath().getParent(), client);
        ProtocolConfig cfg = ProtocolConfig.defaults(keys.config().f());
        Duration timeout = Duration.ofSeconds(timeoutSeconds);
        try (BftClient c = BftClient.connect(keys, cfg)) {
            if (!c.awaitConnected(timeout)) {
                System.err.println("bulwark kv: could not connect to 2f+1 = " + (2 * keys.config().f() + 1)
                        + " replicas within " + timeoutSeconds + " s (is the replica group running?)");
                return 1;
            }
            byte[] result = c.invoke(operation, readOnly, timeout);
            String text = KvOps.describe(result);
            if (result.length > 0 && result[0] == KvOps.ERROR) {
                System.err.println("bulwark kv: " + text);
                return 1;
            }
            System.out.println(op.equals("get") && result.length == 1 ? "(not found)" : text);
            return 0;
        } catch (TimeoutException e) {
            System.err.println("bulwark kv: no certified reply within " + timeoutSeconds + " s (fewer than f+1 replicas agree or answer)");
            return 1;
        }
    }
}
