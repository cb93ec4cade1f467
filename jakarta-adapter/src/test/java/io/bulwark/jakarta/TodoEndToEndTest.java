package io.bulwark.jakarta;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.bulwark.bft.node.BftClient;
import io.bulwark.jakarta.cdi.BulwarkExtension;
import io.bulwark.jakarta.cdi.Mode;
import io.bulwark.jakarta.client.BulwarkClient;
import io.bulwark.jakarta.contract.Contract;
import io.bulwark.jakarta.contract.OperationNames;
import io.bulwark.jakarta.example.NotYourTodoException;
import io.bulwark.jakarta.example.Todo;
import io.bulwark.jakarta.example.TodoPage;
import io.bulwark.jakarta.example.TodoService;
import io.bulwark.jakarta.example.TodoServiceBean;
import io.bulwark.jakarta.example.TooManyTodosException;
import io.bulwark.jakarta.fixtures.ProvidedClient;
import io.bulwark.jakarta.fixtures.TodoGroup;
import io.bulwark.store.AccessDeniedException;
import io.bulwark.store.BadRequestException;
import io.bulwark.store.NotFoundException;
import io.bulwark.store.OptimisticLockException;
import io.bulwark.store.StoreDefinition;
import io.bulwark.store.ValidationException;
import io.bulwark.store.client.ResultTypeException;
import io.bulwark.store.client.StoreClient;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.jboss.weld.environment.se.Weld;
import org.jboss.weld.environment.se.WeldContainer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The example application end to end: replicas run TodoServiceBean (booted by the CDI replica host in
 * Weld SE, replica mode) on four loopback replicas; clients call TodoService through
 * {@link BulwarkClient#proxy} in plain Java and through CDI injection in client mode.
 */
@Timeout(180)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class TodoEndToEndTest {
    private TodoGroup g;
    private BftClient aliceLink, bobLink, malloryLink;
    private TodoService alice, bob, mallory;

    @BeforeAll
    void start(@TempDir Path dir) throws Exception {
        g = new TodoGroup(dir);
        aliceLink = g.group.client(TodoGroup.ALICE);
        bobLink = g.group.client(TodoGroup.BOB);
        malloryLink = g.group.client(TodoGroup.MALLORY);
        alice = BulwarkClient.over(aliceLink, TodoGroup.WAIT).proxy(TodoService.class);
        bob = BulwarkClient.over(bobLink, TodoGroup.WAIT).proxy(TodoService.class);
        mallory = BulwarkClient.over(malloryLink, TodoGroup.WAIT).proxy(TodoService.class);
    }

    @AfterAll
    void stop() {
        if (g != null) g.close();
    }

    @Test
    void typedCallsInPlainJavaWithTheFailuresTheReplicasAgreedOn() throws Exception {
        Instant before = Instant.now().minusSeconds(3600);
        long id = alice.add("buy milk");
        Todo t = alice.get(id);
        assertEquals("buy milk", t.title);
        assertEquals("alice", t.owner);
        assertTrue(t.created.isAfter(before), "the agreed clock, from the injected AgreedClock: " + t.created);
        assertEquals("alice", alice.whoAmI());
        assertEquals("bob", bob.whoAmI());
        // An int literal for a long parameter: the proxy boxes it from the declared type.
        Todo first = alice.get(1);
        assertNotNull(first);

        NotYourTodoException stolen = assertThrows(NotYourTodoException.class, () -> bob.complete(id));
        assertEquals("todo " + id + " is alice's", stolen.getMessage());
        assertFalse(alice.get(id).done, "the refused operation changed nothing");
        assertTrue(alice.complete(id).done);

        ValidationException blank = assertThrows(ValidationException.class, () -> alice.add("  "));
        assertEquals("title", blank.violations().get(0).path());
        assertThrows(AccessDeniedException.class, () -> mallory.add("let me in"));
        assertThrows(NotFoundException.class, () -> alice.get(999_999));

        Todo copy = alice.get(id);
        copy.title = "buy oat milk";
        Todo renamed = alice.rename(copy);
        assertEquals("buy oat milk", renamed.title);
        copy.title = "stale";
        assertThrows(OptimisticLockException.class, () -> alice.rename(copy), "the copy's version is the old one");
        assertEquals("buy oat milk", alice.get(id).title);

        // The application's checked exception, declared by the contract, crosses as itself.
        List<Long> open = new ArrayList<>();
        TooManyTodosException full = assertThrows(TooManyTodosException.class, () -> {
            for (int i = 0; i < 10; i++) open.add(bob.add("chore " + i));
        });
        assertEquals(3, open.size());
        assertTrue(full.getMessage().contains("bob already has 3 open todos"), full.getMessage());
        // A default method runs on the client and calls two operations.
        long done = alice.addAndComplete("call mum");
        assertTrue(alice.get(done).done);
        assertTrue(alice.mine().stream().allMatch(x -> x.owner.equals("alice")));
    }

    @Test
    void injectedByCdiInClientMode() throws Exception {
        ProvidedClient.client = BulwarkClient.over(bobLink, TodoGroup.WAIT);
        Weld weld = new Weld("todo-client").disableDiscovery().addExtension(new BulwarkExtension()).addBeanClasses(TodoServiceBean.class, TodoPage.class, ProvidedClient.class)
                .property("org.jboss.weld.se.shutdownHook", false);
        try (WeldContainer c = Mode.bootingAs(Mode.CLIENT, weld::initialize)) {
            TodoPage page = c.select(TodoPage.class).get();
            assertEquals("bob: water plants", pageAdd(page, "water plants"));
            assertTrue(java.lang.reflect.Proxy.isProxyClass(page.todos().getClass()), "the bean class is replaced by the proxy");
            assertEquals(Mode.CLIENT, c.getBeanManager().getExtension(BulwarkExtension.class).mode());
            assertTrue(c.select(TodoServiceBean.class).isUnsatisfied(), "the implementation is vetoed in client mode");
        }
    }

    private static String pageAdd(TodoPage page, String title) throws TooManyTodosException {
        try {
            return page.addAndShow(title);
        } catch (TooManyTodosException e) {   // bob's list may be full from the other test: finish one and retry
            TodoService todos = page.todos();
            for (Todo t : todos.mine()) if (!t.done) {
                todos.complete(t.id);
                break;
            }
            return page.addAndShow(title);
        }
    }

    /** A newer client's contract with an operation the replicas do not run. */
    @Replicated
    interface TodoServiceV2 extends TodoService {
        void archiveAll();
    }

    @Test
    void hostileInputsAtTheBoundaryGetTypedErrorsAndChangeNothing() throws Exception {
        long before = alice.count();
        TodoServiceV2 newer = BulwarkClient.over(aliceLink, TodoGroup.WAIT).proxy(TodoServiceV2.class);
        UnknownOperationException unknown = assertThrows(UnknownOperationException.class, newer::archiveAll);
        assertTrue(unknown.getMessage().contains("TodoServiceV2#archiveAll()"), unknown.getMessage());
        // Its inherited operations are another contract's names: also unknown to the replicas, never silently mapped.
        assertThrows(UnknownOperationException.class, newer::count);

        // The stringly-typed store client, as a hostile or confused client would use it.
        StoreClient raw = new StoreClient(aliceLink, StoreDefinition.builder().entities(Todo.class).build(), TodoGroup.WAIT);
        String add = OperationNames.of(TodoService.class, TodoService.class.getMethod("add", String.class));
        String get = OperationNames.of(TodoService.class, TodoService.class.getMethod("get", long.class));
        String count = OperationNames.of(TodoService.class, TodoService.class.getMethod("count"));
        assertThrows(BadRequestException.class, () -> raw.invoke(add, Long.class, 42L), "a long where a String is declared");
        assertThrows(BadRequestException.class, () -> raw.invoke(add, Long.class, "a", "b"), "too many arguments");
        assertThrows(BadRequestException.class, () -> raw.invokeReadOnly(get, Todo.class, 1), "an Integer where a long is declared");
        assertThrows(BadRequestException.class, () -> raw.invoke(add, Long.class, new Object()), "a graph the codec refuses: not sent");
        assertThrows(BadRequestException.class, () -> raw.invoke("TodoService.add", Long.class, "x"), "a name without its digest");
        ResultTypeException wrongType = assertThrows(ResultTypeException.class, () -> raw.invokeReadOnly(count, String.class));
        assertEquals("java.lang.Long", wrongType.actual());
        assertEquals(before, alice.count(), "nothing above changed the store");
        assertInstanceOf(Long.class, raw.invokeReadOnly(count, Long.class));
        assertEquals(Contract.of(TodoService.class).operations().size(), 7);
    }
}
