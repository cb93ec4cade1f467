package io.bulwark.store.bench.local;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class HostPackageTest {

    @Test
    void aMissingPackageSkipsItsRowWithTheExactMessageAndInstallsNothing(@TempDir Path tmp) throws Exception {
        HostPackage missing = new HostPackage("etcd", "etcd-server", List.of(tmp.resolve("no-such-etcd")));
        assertFalse(missing.present());
        StringWriter out = new StringWriter();
        Optional<String> skip = missing.ensure(false, new PrintWriter(out, true));
        assertEquals(Optional.of("skipping etcd: Debian package etcd-server is not installed"), skip);
        assertEquals("skipping etcd: Debian package etcd-server is not installed" + System.lineSeparator(), out.toString());
        assertEquals("skipping hibernate-postgresql: Debian package postgresql is not installed", HostPackage.postgresql().skipMessage());
    }

    @Test
    void aPresentPackageNeedsEveryProgramExecutable(@TempDir Path tmp) throws Exception {
        Path a = Files.createFile(tmp.resolve("initdb")), b = Files.createFile(tmp.resolve("pg_ctl"));
        assertTrue(a.toFile().setExecutable(true));
        HostPackage p = new HostPackage("hibernate-postgresql", "postgresql", List.of(a, b));
        // pg_ctl has no execute bit (not even root may run it): the package counts as missing.
        assertFalse(p.present());
        assertTrue(b.toFile().setExecutable(true));
        assertTrue(p.present());
        StringWriter out = new StringWriter();
        assertEquals(Optional.empty(), p.ensure(true, new PrintWriter(out, true)));
        assertEquals("", out.toString(), "present: nothing installed, nothing printed");
        assertThrows(IllegalArgumentException.class, () -> new HostPackage("x", "y", List.of()));
    }
}
