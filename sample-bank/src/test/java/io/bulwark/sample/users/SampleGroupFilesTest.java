package io.bulwark.sample.users;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SampleGroupFilesTest {
    @Test
    void loadUsersAreCustomersAfterEve(@TempDir Path dir) throws Exception {
        SampleGroupFiles.write(dir, 2);
        UserFile users = UserFile.read(dir.resolve(UserFile.FILE_NAME));
        assertEquals(9, users.user("load1").orElseThrow().clientId());
        assertEquals(10, users.user("load2").orElseThrow().clientId());
        assertTrue(users.user("load2").orElseThrow().checks("load2".toCharArray()));
        assertEquals(5, users.user("alice").orElseThrow().clientId(), "the demo users as before");
        String policy = Files.readString(dir.resolve(SampleGroupFiles.POLICY));
        assertTrue(policy.contains("client.9 = load1 : customer\n") && policy.contains("client.10 = load2 : customer\n"), policy);
        assertTrue(policy.contains("client.8 = eve\n"), policy);
        assertEquals(10, io.bulwark.bft.config.KeyMaterial.load(dir, 10).id(), "keys for load2's client");
    }

    @Test
    void noLoadUsersByDefaultAndABoundOnThem(@TempDir Path dir) throws Exception {
        SampleGroupFiles.write(dir);
        assertFalse(UserFile.read(dir.resolve(UserFile.FILE_NAME)).user("load1").isPresent());
        assertThrows(IllegalArgumentException.class, () -> SampleGroupFiles.write(dir, SampleGroupFiles.MAX_LOAD_USERS + 1));
        assertThrows(IllegalArgumentException.class, () -> SampleGroupFiles.write(dir, -1));
    }
}
