package io.bulwark.bft.config;

import static org.junit.jupiter.api.Assertions.*;

import io.bulwark.bft.crypto.DeterministicRandom;
import io.bulwark.bft.crypto.ShareCipher;
import io.bulwark.bft.crypto.Signatures;
import java.nio.file.Path;
import java.util.Base64;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class ClusterConfigFileTest {
    private static final Path FILE = Path.of("conf", "cluster.conf");
    private static final DeterministicRandom RND = new DeterministicRandom(3);
    private static final String[] SIGN = new String[6];
    private static final String[] KEX = new String[6];

    static {
        for (int i = 0; i < 6; i++) {
            SIGN[i] = Base64.getEncoder().encodeToString(Signatures.publicKeyOf(Signatures.newPrivateKey(RND)));
            KEX[i] = Base64.getEncoder().encodeToString(ShareCipher.publicKeyOf(ShareCipher.newPrivateKey(RND)));
        }
    }

    private static String keys(int i) { return "sign=" + SIGN[i] + " kex=" + KEX[i]; }

    /** A valid file; line numbers: 1 comment, 2 f, 3 blank, 4..7 replicas, 8 client. */
    private static String valid() {
        return "# test cluster\n"
                + "f = 1   # one fault\n"
                + "\n"
                + "replica 0 127.0.0.1:7400 " + keys(0) + "\n"
                + "replica 1 127.0.0.1:7401 " + keys(1) + "\n"
                + "replica 2 [::1]:7402 " + keys(2) + "\n"
                + "replica 3 node3.example:7403 " + keys(3) + "\n"
                + "client 4 " + keys(4) + "\n";
    }

    private static String replaceLine(int line, String text) {
        String[] lines = valid().split("\n", -1);
        lines[line - 1] = text;
        return String.join("\n", lines);
    }

    @Test
    void parsesAndRoundTrips() throws Exception {
        ClusterConfig c = ClusterConfigFile.parse(FILE, valid());
        assertEquals(1, c.f());
        assertEquals(4, c.n());
        assertEquals("::1", c.replica(2).host());
        assertEquals(7403, c.replica(3).port());
        assertTrue(c.isClient(4));
        assertArrayEquals(Base64.getDecoder().decode(SIGN[4]), c.keysOf(4).signing());
        assertNull(c.keysOf(5));
        ClusterConfig again = ClusterConfigFile.parse(FILE, ClusterConfigFile.format(c));
        assertEquals(c, again);
        assertEquals(ClusterConfigFile.format(c), ClusterConfigFile.format(again));
    }

    static Stream<Arguments> malformed() {
        String badSign = "sign=" + SIGN[0].substring(0, 40) + " kex=" + KEX[0];
        return Stream.of(
                Arguments.of(replaceLine(2, "f = one"), 2, "bad f 'one'"),
                Arguments.of(replaceLine(2, "f = 0"), 2, "f must be at least 1"),
                Arguments.of(replaceLine(2, "f: 1"), 2, "unknown directive 'f:'"),
                Arguments.of(replaceLine(3, "f = 1"), 3, "duplicate 'f'"),
                Arguments.of(replaceLine(3, "server 9 x:1"), 3, "unknown directive 'server'"),
                Arguments.of(replaceLine(4, "replica 0 127.0.0.1:7400 " + keys(0) + " color=blue"), 4, "unknown key 'color'"),
                Arguments.of(replaceLine(4, "replica 0 127.0.0.1:7400 sign=@@@@ kex=" + KEX[0]), 4, "not valid base64"),
                Arguments.of(replaceLine(4, "replica 0 127.0.0.1:7400 " + badSign), 4, "must decode to 32 bytes"),
                Arguments.of(replaceLine(4, "replica 0 127.0.0.1:7400 kex=" + KEX[0]), 4, "missing sign="),
                Arguments.of(replaceLine(4, "replica 0 127.0.0.1:7400 " + keys(0) + " sign=" + SIGN[0]), 4, "duplicate key 'sign'"),
                Arguments.of(replaceLine(5, "replica 0 127.0.0.1:7401 " + keys(1)), 5, "duplicate id 0 (already defined on line 4)"),
                Arguments.of(replaceLine(5, "replica 1 127.0.0.1:70000 " + keys(1)), 5, "port 70000 out of range"),
                Arguments.of(replaceLine(5, "replica 1 127.0.0.1:0 " + keys(1)), 5, "port 0 out of range"),
                Arguments.of(replaceLine(5, "replica 1 127.0.0.1 " + keys(1)), 5, "bad address"),
                Arguments.of(replaceLine(5, "replica 1 ::1:7401 " + keys(1)), 5, "write IPv6 addresses as [addr]:port"),
                Arguments.of(replaceLine(5, "replica 1 127.0.0.1:7400 " + keys(1)), 5, "address 127.0.0.1:7400 already used on line 4"),
                Arguments.of(replaceLine(5, "replica x 127.0.0.1:7401 " + keys(1)), 5, "bad id 'x'"),
                Arguments.of(replaceLine(5, "# replica 1 gone"), 2, "replica 1 missing: f = 1 needs n = 3f+1 = 4 replicas"),
                Arguments.of(replaceLine(5, "replica 5 127.0.0.1:7401 " + keys(1)), 5, "replica id 5 out of range"),
                Arguments.of(replaceLine(8, "client 3 " + keys(4)), 8, "duplicate id 3"),
                Arguments.of(replaceLine(8, "client 4 sign=" + SIGN[4]), 8, "missing kex="),
                Arguments.of(replaceLine(8, "client 4 " + keys(4) + " junk"), 8, "expected key=value"),
                Arguments.of(valid().replace("f = 1   # one fault", "f = 2"), 2, "replica 4 missing: f = 2 needs n = 3f+1 = 7 replicas"),
                Arguments.of(replaceLine(2, "# no f"), 0, "missing 'f = <number>'"),
                // peer addresses (issue 15): every replica or none, each address used once, clients have none
                Arguments.of(withPeers().replace(" peer=127.0.0.1:7501", ""), 5, "replica 1 has no peer=<host>:<port>, but line 4 gives one"),
                Arguments.of(valid().replace("127.0.0.1:7401 ", "127.0.0.1:7401 peer=127.0.0.1:7501 "), 5, "replica 1 has a peer=<host>:<port>, but line 4 gives none"),
                Arguments.of(withPeers().replace("peer=127.0.0.1:7501", "peer=127.0.0.1:7500"), 5, "address 127.0.0.1:7500 already used on line 4"),
                Arguments.of(withPeers().replace("peer=127.0.0.1:7501", "peer=127.0.0.1:7400"), 5, "address 127.0.0.1:7400 already used on line 4"),
                Arguments.of(withPeers().replace("peer=127.0.0.1:7501", "peer=127.0.0.1:7401"), 5, "address 127.0.0.1:7401 used twice on this line"),
                Arguments.of(withPeers().replace("peer=127.0.0.1:7501", "peer=127.0.0.1:7501 peer=127.0.0.1:7601"), 5, "duplicate key 'peer'"),
                Arguments.of(withPeers().replace("peer=127.0.0.1:7501", "peer=127.0.0.1"), 5, "bad peer address '127.0.0.1'"),
                Arguments.of(withPeers().replace("peer=127.0.0.1:7501", "peer=127.0.0.1:0"), 5, "peer port 0 out of range"),
                Arguments.of(withPeers().replace("peer=127.0.0.1:7501", "peer=::1:7501"), 5, "bad peer host"),
                Arguments.of(withPeers().replace("client 4 ", "client 4 peer=127.0.0.1:7504 "), 8, "peer=<host>:<port> is a replica's"));
    }

    /** {@link #valid()} with a peer address on every replica (port 750i, on each replica's host). */
    private static String withPeers() {
        return valid().replace("127.0.0.1:7400 ", "127.0.0.1:7400 peer=127.0.0.1:7500 ")
                .replace("127.0.0.1:7401 ", "127.0.0.1:7401 peer=127.0.0.1:7501 ")
                .replace("[::1]:7402 ", "[::1]:7402 peer=[::1]:7502 ")
                .replace(keys(3), keys(3) + " peer=node3.example:7503");   // peer= may come after the keys
    }

    @Test
    void peerAddressesParseAndRoundTrip() throws Exception {
        ClusterConfig c = ClusterConfigFile.parse(FILE, withPeers());
        assertTrue(c.separatePeerTraffic());
        assertEquals("127.0.0.1", c.replica(0).peerHost());
        assertEquals(7500, c.replica(0).peerPort());
        assertEquals(7400, c.replica(0).port());
        assertEquals("::1", c.replica(2).replicaHost());
        assertEquals(7503, c.replica(3).replicaPort());
        ClusterConfig again = ClusterConfigFile.parse(FILE, ClusterConfigFile.format(c));
        assertEquals(c, again);
        assertTrue(ClusterConfigFile.format(c).contains("replica 2 [::1]:7402 peer=[::1]:7502 sign="), ClusterConfigFile.format(c));
        // A file without peer addresses: one shared port, replicas reached at their client address.
        ClusterConfig shared = ClusterConfigFile.parse(FILE, valid());
        assertFalse(shared.separatePeerTraffic());
        assertEquals(7401, shared.replica(1).replicaPort());
        assertFalse(ClusterConfigFile.format(shared).contains("peer="));
    }

    @ParameterizedTest
    @MethodSource("malformed")
    void malformedFilesNameFileLineAndProblem(String text, int line, String problem) {
        ConfigException e = assertThrows(ConfigException.class, () -> ClusterConfigFile.parse(FILE, text));
        assertEquals(line, e.line(), e.getMessage());
        String where = line > 0 ? FILE + ":" + line + ": " : FILE + ": ";
        assertTrue(e.getMessage().startsWith(where), e.getMessage());
        assertTrue(e.getMessage().contains(problem), "expected '" + problem + "' in: " + e.getMessage());
    }

    @Test
    void clientIdInReplicaRangeIsRejected() {
        String text = valid().replace("replica 3 node3.example:7403 " + keys(3) + "\n", "")
                + "replica 3 node3.example:7403 " + keys(3) + "\n";
        assertDoesNotThrow(() -> ClusterConfigFile.parse(FILE, text), "order of lines does not matter");
        String clientLow = replaceLine(8, "client 2 " + keys(4)).replace("replica 2 [::1]:7402 " + keys(2), "# none");
        ConfigException e = assertThrows(ConfigException.class, () -> ClusterConfigFile.parse(FILE, clientLow));
        assertTrue(e.getMessage().contains("replica 2 missing") || e.getMessage().contains("client id 2"), e.getMessage());
    }
}
