package io.bulwark.jakarta;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.bulwark.jakarta.bad.Counter;
import io.bulwark.jakarta.bad.DatedCounter;
import io.bulwark.jakarta.bad.RequestScopedCounter;
import io.bulwark.jakarta.bad.StatefulCounter;
import io.bulwark.jakarta.bad.WallClockCounter;
import io.bulwark.jakarta.contract.Contract;
import io.bulwark.jakarta.contract.OperationNames;
import io.bulwark.jakarta.example.TodoService;
import io.bulwark.jakarta.fixtures.TodoGroup;
import io.bulwark.jakarta.host.CdiReplicaHost;
import io.bulwark.jakarta.host.HostException;
import io.bulwark.store.StoreDefinition;
import io.bulwark.store.access.AccessPolicy;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The CDI replica host: booting an application jar, and refusing, with a clear message, what a replica cannot run deterministically. */
class ReplicaHostTest {

    @Test
    void bootsTheApplicationFromItsJar(@TempDir Path dir) throws IOException {
        Path jar = jarOf(dir.resolve("todo-app.jar"), "io/bulwark/jakarta/example");
        try (CdiReplicaHost host = CdiReplicaHost.boot(List.of(jar), ReplicaHostTest.class.getClassLoader())) {
            assertEquals(1, host.beans().size(), "TodoServiceBean; the web tier's TodoPage is not deployed on a replica");
            assertEquals("io.bulwark.jakarta.example.Todo", host.entities().get(0).getName());
            StoreDefinition d = host.definition(TodoGroup.policy());
            assertTrue(d.toString().contains("7 operations"), d.toString());
        }
    }

    @Test
    void aJarWithoutReplicatedBeansIsRefused(@TempDir Path dir) throws IOException {
        Path jar = jarOf(dir.resolve("empty.jar"), "io/bulwark/jakarta/fixtures/none");
        HostException e = assertThrows(HostException.class, () -> CdiReplicaHost.boot(List.of(jar), ReplicaHostTest.class.getClassLoader()));
        assertTrue(e.getMessage().contains("no @Replicated bean"), e.getMessage());
        assertThrows(HostException.class, () -> CdiReplicaHost.boot(List.of(dir.resolve("missing.jar")), ReplicaHostTest.class.getClassLoader()));
    }

    @Test
    void aReplicatedBeanInjectingTheWallClockIsRefused() {
        HostException e = assertThrows(HostException.class, () -> boot(Counter.class, WallClockCounter.class, WallClockCounter.Clocks.class));
        assertTrue(e.getMessage().contains("WallClockCounter injects java.time.Clock at io.bulwark.jakarta.bad.WallClockCounter.clock"), e.getMessage());
        assertTrue(e.getMessage().contains("inject io.bulwark.jakarta.replica.AgreedClock"), e.getMessage());
    }

    @Test
    void aReplicatedBeanKeepingStateInAFieldIsRefused() {
        HostException e = assertThrows(HostException.class, () -> boot(Counter.class, StatefulCounter.class));
        assertTrue(e.getMessage().contains("keeps state in the field io.bulwark.jakarta.bad.StatefulCounter.count"), e.getMessage());
    }

    @Test
    void aScopeAReplicaLacksIsRefused() {
        HostException e = assertThrows(HostException.class, () -> boot(Counter.class, RequestScopedCounter.class));
        assertTrue(e.getMessage().contains("has scope @RequestScoped"), e.getMessage());
    }

    @Test
    void anEntityFieldTheCodecCannotStoreIsRefusedWithWhatToUse() {
        try (CdiReplicaHost host = boot(Counter.class, DatedCounter.class, DatedCounter.Stamp.class)) {
            HostException e = assertThrows(HostException.class, () -> host.definition(AccessPolicy.builder().build()));
            assertTrue(e.getMessage().contains("field io.bulwark.jakarta.bad.DatedCounter$Stamp.when has type java.util.Date"), e.getMessage());
            assertTrue(e.getMessage().contains("use java.time.Instant"), e.getMessage());
        }
    }

    @Test
    void operationNamesAreStableAndTellOverloadsApart() throws Exception {
        assertEquals("TodoService.add-dbdda0993a66", OperationNames.of(TodoService.class, TodoService.class.getMethod("add", String.class)),
                "a name depends only on the contract's name and the signature: changing it breaks every deployed client");
        interface Overloaded { void put(long v); void put(String v); }
        var ops = Contract.of(Overloaded.class).operations().values().stream().map(o -> o.name()).distinct().count();
        assertEquals(2, ops);
        assertThrows(IllegalArgumentException.class, () -> Contract.of(StatefulCounter.class), "a class is not a contract");
    }

    private static CdiReplicaHost boot(Class<?>... classes) {
        return CdiReplicaHost.boot(ReplicaHostTest.class.getClassLoader(), List.of(classes));
    }

    /** A jar of the compiled test classes under {@code pkg} (a missing package gives an empty jar). */
    static Path jarOf(Path jar, String pkg) throws IOException {
        Path classes = Path.of(ReplicaHostTest.class.getProtectionDomain().getCodeSource().getLocation().getPath());
        try (OutputStream out = Files.newOutputStream(jar); JarOutputStream j = new JarOutputStream(out)) {
            Path root = classes.resolve(pkg);
            if (Files.isDirectory(root)) {
                try (Stream<Path> files = Files.walk(root)) {
                    for (Path f : (Iterable<Path>) files.filter(Files::isRegularFile).sorted()::iterator) {
                        j.putNextEntry(new JarEntry(classes.relativize(f).toString().replace('\\', '/')));
                        j.write(Files.readAllBytes(f));
                        j.closeEntry();
                    }
                }
            }
        }
        return jar;
    }
}
