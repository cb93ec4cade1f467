package io.bulwark.store.access;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.bulwark.store.AccessDeniedException;
import io.bulwark.store.Caller;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AccessPolicyTest {

    @Test
    void mapsAuthenticatedClientsToPrincipalsAndUnknownOnesToAnonymous() {
        AccessPolicy p = AccessPolicy.builder().grant(4, "alice", "teller", "auditor").grant(5, "bob").build();
        assertEquals(new Caller(4, "alice", Set.of("teller", "auditor")), p.callerFor(4));
        assertEquals(new Caller(5, "bob", Set.of()), p.callerFor(5));
        Caller unknown = p.callerFor(99);
        assertEquals(AccessPolicy.ANONYMOUS, unknown.principal());
        assertTrue(unknown.roles().isEmpty());
    }

    @Test
    void parsesTheTextFormatToTheSamePolicyAsCodeWithTheSameDigest() {
        String text = """
                # the bank's clients
                bulwark.access-policy = 1

                client.5 = bob
                client.4 =  alice : teller ,auditor
                """;
        AccessPolicy parsed = AccessPolicy.parse(text);
        AccessPolicy built = AccessPolicy.builder().grant(4, "alice", "auditor", "teller").grant(5, "bob").build();
        assertEquals(built, parsed);
        assertArrayEquals(built.digest(), parsed.digest());
        assertEquals("bulwark.access-policy = 1\nclient.4 = alice : auditor, teller\nclient.5 = bob\n", parsed.canonicalForm());
        assertEquals(parsed, AccessPolicy.parse(parsed.canonicalForm()), "the canonical form parses back to the same policy");
        assertEquals(64, parsed.digestHex().length());
    }

    @Test
    void differentPoliciesHaveDifferentDigests() {
        AccessPolicy a = AccessPolicy.builder().grant(4, "alice", "teller").build();
        AccessPolicy b = AccessPolicy.builder().grant(4, "alice", "teller", "admin").build();
        AccessPolicy c = AccessPolicy.builder().grant(5, "alice", "teller").build();
        assertNotEquals(a.digestHex(), b.digestHex());
        assertNotEquals(a.digestHex(), c.digestHex());
        assertNotEquals(a.digestHex(), AccessPolicy.builder().build().digestHex());
    }

    @Test
    void rejectsMalformedTextNamingTheLine() {
        assertError("client.4 = alice\n", "line 1", "first entry must be bulwark.access-policy");
        assertError("bulwark.access-policy = 2\n", "line 1", "unsupported format version");
        assertError("# nothing\n", "missing bulwark.access-policy");
        assertError("bulwark.access-policy = 1\nclient.4 = alice\nclient.4 = bob\n", "line 3", "client 4 listed twice");
        assertError("bulwark.access-policy = 1\nclients.4 = alice\n", "line 2", "unknown key");
        assertError("bulwark.access-policy = 1\nclient.x = alice\n", "line 2", "decimal number");
        assertError("bulwark.access-policy = 1\nclient.04 = alice\n", "line 2", "leading zeros");
        assertError("bulwark.access-policy = 1\nclient.-1 = alice\n", "line 2", "decimal number");
        assertError("bulwark.access-policy = 1\nclient.99999999999 = alice\n", "line 2", "decimal number");
        assertError("bulwark.access-policy = 1\nclient.4 alice\n", "line 2", "expected key = value");
        assertError("bulwark.access-policy = 1\nclient.4 = \n", "line 2", "principal ''");
        assertError("bulwark.access-policy = 1\nclient.4 = al ice\n", "line 2", "principal 'al ice'");
        assertError("bulwark.access-policy = 1\nclient.4 = anonymous\n", "line 2", "reserved");
        assertError("bulwark.access-policy = 1\nclient.4 = alice :\n", "line 2", "at least one role");
        assertError("bulwark.access-policy = 1\nclient.4 = alice : teller,,x\n", "line 2", "role ''");
        assertError("bulwark.access-policy = 1\nclient.4 = alice : teller, teller\n", "line 2", "given twice");
        assertError("bulwark.access-policy = 1\nclient.4 = alice : " + "r".repeat(5000) + "\n", "line 2", "longer than");
    }

    @Test
    void rejectsBadGrantsInCode() {
        assertThrows(IllegalArgumentException.class, () -> AccessPolicy.builder().grant(-1, "alice"));
        assertThrows(IllegalArgumentException.class, () -> AccessPolicy.builder().grant(4, "alice").grant(4, "bob"));
        assertThrows(IllegalArgumentException.class, () -> AccessPolicy.builder().grant(4, "alice", "x y"));
        assertThrows(IllegalArgumentException.class, () -> AccessPolicy.builder().grant(4, "alice", (String) null));
        assertThrows(IllegalArgumentException.class, () -> AccessPolicy.builder().grant(4, AccessPolicy.ANONYMOUS));
    }

    @Test
    void loadsAFileAndRejectsInvalidUtf8AndOversizedFiles(@TempDir Path dir) throws Exception {
        Path ok = dir.resolve("ok.policy");
        Files.writeString(ok, "bulwark.access-policy = 1\nclient.7 = carol : admin\n");
        assertEquals(new Caller(7, "carol", Set.of("admin")), AccessPolicy.load(ok).callerFor(7));

        Path bad = dir.resolve("bad.policy");
        Files.write(bad, new byte[] {'b', (byte) 0xC3, (byte) 0x28});
        assertTrue(assertThrows(IllegalArgumentException.class, () -> AccessPolicy.load(bad)).getMessage().contains("UTF-8"));

        Path big = dir.resolve("big.policy");
        Files.write(big, "#".repeat(AccessPolicyFormat.MAX_BYTES + 1).getBytes(StandardCharsets.US_ASCII));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> AccessPolicy.load(big)).getMessage().contains("larger than"));
    }

    @Test
    void authorizeIsDenyByDefaultAndRequiresAnyListedRole() {
        Caller teller = new Caller(4, "alice", Set.of("teller"));
        Caller anonymous = AccessPolicy.builder().build().callerFor(9);
        AccessPolicy.authorize(teller, "deposit", new Access.AnyRole(Set.of("teller", "admin")));
        AccessPolicy.authorize(anonymous, "ping", new Access.Everyone());
        AccessDeniedException e = assertThrows(AccessDeniedException.class,
                () -> AccessPolicy.authorize(teller, "close", new Access.AnyRole(Set.of("admin"))));
        assertTrue(e.getMessage().contains("alice") && e.getMessage().contains("close") && e.getMessage().contains("admin"), e.getMessage());
        assertThrows(AccessDeniedException.class, () -> AccessPolicy.authorize(teller, "x", new Access.DenyAll()));
        assertFalse(new Access.DenyAll().allows(Set.of("admin")));
    }

    private static void assertError(String text, String... fragments) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> AccessPolicy.parse(text));
        for (String f : fragments) assertTrue(e.getMessage().contains(f), "'" + e.getMessage() + "' should contain '" + f + "'");
    }
}
