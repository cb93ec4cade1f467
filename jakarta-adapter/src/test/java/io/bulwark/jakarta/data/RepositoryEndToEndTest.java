package io.bulwark.jakarta.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.bulwark.bft.config.ProtocolConfig;
import io.bulwark.bft.node.BftClient;
import io.bulwark.bft.testkit.MiniCluster;
import io.bulwark.jakarta.UnknownOperationException;
import io.bulwark.jakarta.cdi.BulwarkExtension;
import io.bulwark.jakarta.client.BulwarkClient;
import io.bulwark.jakarta.data.library.Book;
import io.bulwark.jakarta.data.library.Book.Genre;
import io.bulwark.jakarta.data.library.Library;
import io.bulwark.jakarta.data.library.LibraryUser;
import io.bulwark.jakarta.data.library.NewerLibrary;
import io.bulwark.jakarta.data.library.OthersRepository;
import io.bulwark.jakarta.data.library.Unknowns;
import io.bulwark.jakarta.fixtures.ProvidedClient;
import io.bulwark.jakarta.host.CdiReplicaHost;
import io.bulwark.store.BadRequestException;
import io.bulwark.store.StoreDefinition;
import io.bulwark.store.access.AccessPolicy;
import io.bulwark.store.client.StoreClient;
import io.bulwark.store.service.StoreService;
import jakarta.data.Limit;
import jakarta.data.Order;
import jakarta.data.Sort;
import jakarta.data.exceptions.EmptyResultException;
import jakarta.data.exceptions.EntityExistsException;
import jakarta.data.exceptions.NonUniqueResultException;
import jakarta.data.exceptions.OptimisticLockingFailureException;
import jakarta.data.page.CursoredPage;
import jakarta.data.page.Page;
import jakarta.data.page.PageRequest;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.jboss.weld.environment.se.Weld;
import org.jboss.weld.environment.se.WeldContainer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The Jakarta Data provider end to end: the replicas (CDI replica host, four loopback replicas) run the
 * Library repository's operations; the client calls it through {@code BulwarkClient.proxy} and through
 * CDI injection in client mode. Every test starts from the same ten books.
 */
@Timeout(240)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class RepositoryEndToEndTest {
    private static final Duration WAIT = Duration.ofSeconds(30);
    private CdiReplicaHost host;
    private MiniCluster group;
    /** The one engine client of principal 4: a second one under the same identity would replace its key at the replicas. */
    private BftClient link;
    private BulwarkClient client;
    private Library library;

    @BeforeAll
    void start(@TempDir Path dir) throws Exception {
        host = CdiReplicaHost.boot(getClass().getClassLoader(), List.of(Book.class, Library.class, OthersRepository.class));
        StoreDefinition definition = host.definition(AccessPolicy.builder().grant(4, "alice", "user").build());
        ProtocolConfig cfg = ProtocolConfig.defaults(1).withCheckpointInterval(8, 16);
        group = MiniCluster.builder(dir).protocol(cfg).clients(1).pages(512).waitLimit(WAIT)
                .service(i -> new StoreService(definition, cfg.maxResultBytes())).build();
        link = group.client(0);
        client = BulwarkClient.over(link, WAIT);
        library = client.proxy(Library.class);
    }

    @AfterAll
    void stop() {
        if (group != null) group.close();
        if (host != null) host.close();
    }

    @BeforeEach
    void tenBooks() {
        library.deleteAll(library.findAll().toList());
        List<Book> books = new ArrayList<>();
        books.add(Book.of("austen", "Emma", 1815, Genre.NOVEL));
        books.add(Book.of("austen", "Persuasion", 1817, Genre.NOVEL));
        books.add(Book.of("austen", "Sanditon", 1925, Genre.NOVEL));
        books.add(Book.of("woolf", "Orlando", 1928, Genre.NOVEL));
        books.add(Book.of("woolf", "A Room of One's Own", 1929, Genre.ESSAY));
        books.add(Book.of("woolf", "The Waves", 1931, Genre.NOVEL));
        books.add(Book.of("dickinson", "Poems", 1890, Genre.POETRY));
        books.add(Book.of("eliot", "Middlemarch", 1871, Genre.NOVEL));
        books.add(Book.of("eliot", "The Waste Land", 1922, Genre.POETRY));
        books.add(Book.of("montaigne", "Essais", 1580, Genre.ESSAY));
        List<Book> saved = library.insertAll(books);
        assertEquals(10, saved.size());
        assertTrue(saved.stream().allMatch(b -> b.id > 0), "ids assigned by the replicas: " + saved);
    }

    private static List<String> titles(List<Book> books) { return books.stream().map(b -> b.title).toList(); }

    @Test
    void crudWithVersionsAndTheSpecifiedExceptions() {
        Book b = library.findByAuthorOrderByYearAsc("dickinson").get(0);
        assertEquals(b.title, library.findById(b.id).orElseThrow().title);
        b.title = "Poems, Second Series";
        Book updated = library.update(b);
        assertEquals("Poems, Second Series", library.findById(b.id).orElseThrow().title);
        assertThrows(OptimisticLockingFailureException.class, () -> library.update(b), "a stale version");
        Book stale = library.findById(b.id).orElseThrow();
        stale.version = updated.version + 5;
        assertThrows(OptimisticLockingFailureException.class, () -> library.delete(stale));
        Book current = library.findById(b.id).orElseThrow();
        library.delete(current);
        assertTrue(library.findById(b.id).isEmpty());
        assertThrows(OptimisticLockingFailureException.class, () -> library.update(current), "updating what is gone");
        Book again = library.save(Book.of("dickinson", "Letters", 1894, Genre.ESSAY));
        assertTrue(again.id > 0);
        Book dup = Book.of("x", "y", 1, Genre.NOVEL);
        dup.id = again.id;
        assertThrows(EntityExistsException.class, () -> library.insert(dup));
        assertEquals(10, library.findAll().count(), "the failed insert changed nothing");
        library.deleteById(again.id);
        assertFalse(library.existsByTitle("Letters"));
    }

    @Test
    void queriesByMethodName() {
        assertEquals(List.of("Emma", "Persuasion", "Sanditon"), titles(library.findByAuthorOrderByYearAsc("austen")));
        assertEquals(5, library.countByYearGreaterThan(1900));
        assertTrue(library.existsByTitle("Orlando"));
        assertFalse(library.existsByTitle("Ulysses"));
        assertEquals(List.of("A Room of One's Own", "Orlando", "Persuasion", "Poems", "Sanditon", "The Waste Land"),
                titles(library.findByTitleIgnoreCaseContainsOrGenre("O", Genre.POETRY)).stream().sorted().toList());
        assertEquals("Sanditon", library.findFirstByAuthorOrderByYearDesc("austen").orElseThrow().title);
        assertEquals(List.of("A Room of One's Own", "The Waste Land", "Poems", "Essais"),
                titles(library.findByGenreIn(Set.of(Genre.POETRY, Genre.ESSAY), Sort.desc("year")).toList()));
        Book[] twenties = library.findByYearBetween(1920, 1931, Limit.range(2, 4), Sort.asc("year"));
        assertArrayEquals(new String[] {"Sanditon", "Orlando", "A Room of One's Own"}, List.of(twenties).stream().map(b -> b.title).toArray());
        assertEquals(2, library.deleteByAuthor("eliot"));
        assertEquals(8, library.findAll().count());
    }

    @Test
    void findAndDeleteByAnnotations() {
        assertEquals(List.of("The Waves", "Orlando", "A Room of One's Own"), titles(library.byAuthor("woolf", Sort.desc("title"))));
        assertEquals(List.of("The Waste Land", "Poems"), titles(library.byGenre(Genre.POETRY)));
        assertEquals("Emma", library.byTitle("Emma").title);
        assertThrows(EmptyResultException.class, () -> library.byTitle("Ulysses"));
        library.insert(Book.of("someone", "Emma", 2001, Genre.NOVEL));
        assertThrows(NonUniqueResultException.class, () -> library.byTitle("Emma"));
        assertEquals(2, library.removeByGenre(Genre.ESSAY));
        assertEquals(9, library.findAll().count());
    }

    @Test
    void jdqlSubset() {
        assertEquals(List.of("Orlando", "Sanditon", "The Waste Land", "The Waves"), titles(library.between(1920, 1931)));
        assertEquals(List.of("The Waves", "Orlando"), library.titlesWithA("woolf"));
        assertEquals(8, library.oldOrBy("woolf"), "five before 1900 and woolf's three: AND binds tighter than OR");
        assertEquals(3, library.shift(100, "austen"));
        assertEquals(List.of(1915, 1917, 2025), library.findByAuthorOrderByYearAsc("austen").stream().map(b -> b.year).toList());
        assertEquals(1, library.deleteAfter(2000));
        assertEquals(9, library.findAll().count());
    }

    @Test
    void offsetAndCursorPaging() {
        PageRequest first = PageRequest.ofSize(3);
        Page<Book> p1 = library.findByYearGreaterThanEqual(1800, first, Order.by(Sort.asc("year")));
        assertEquals(List.of("Emma", "Persuasion", "Middlemarch"), titles(p1.content()));
        assertEquals(9, p1.totalElements());
        assertEquals(3, p1.totalPages());
        assertTrue(p1.hasNext());
        Page<Book> p3 = library.findByYearGreaterThanEqual(1800, PageRequest.ofPage(3, 3, true), Order.by(Sort.asc("year")));
        assertEquals(List.of("Orlando", "A Room of One's Own", "The Waves"), titles(p3.content()));
        assertFalse(p3.hasNext());

        // Cursor paging by an indexed property (the store's keyset paging), through all ten and back.
        List<String> seen = new ArrayList<>();
        CursoredPage<Book> page = library.findByAuthorNotNull(PageRequest.ofSize(4), Sort.asc("year"));
        seen.addAll(titles(page.content()));
        while (page.hasNext()) {
            page = library.findByAuthorNotNull(page.nextPageRequest(), Sort.asc("year"));
            seen.addAll(titles(page.content()));
        }
        assertEquals(List.of("Essais", "Emma", "Persuasion", "Middlemarch", "Poems", "The Waste Land", "Sanditon", "Orlando",
                "A Room of One's Own", "The Waves"), seen);
        CursoredPage<Book> back = library.findByAuthorNotNull(page.previousPageRequest(), Sort.asc("year"));
        assertEquals(List.of("Poems", "The Waste Land", "Sanditon", "Orlando"), titles(back.content()));

        // A cursor made by the user, on a non-indexed order (read and sorted by the replicas).
        CursoredPage<Book> byTitle = library.findByAuthorNotNull(PageRequest.afterCursor(PageRequest.Cursor.forKey("Orlando"), 1, 2, false),
                Sort.asc("title"));
        assertEquals(List.of("Persuasion", "Poems"), titles(byTitle.content()));
        // An entity inserted between pages does not disturb the keyset: paging goes on after the cursor.
        library.insert(Book.of("new", "Aaa", 1500, Genre.NOVEL));
        CursoredPage<Book> next = library.findByAuthorNotNull(byTitle.nextPageRequest(), Sort.asc("title"));
        assertEquals(List.of("Sanditon", "The Waste Land"), titles(next.content()));
    }

    @Test
    void hostileInputsGetClearErrorsAndChangeNothing() throws Exception {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> library.byAuthor("woolf", Sort.asc("isbn")));
        assertTrue(e.getMessage().contains("no property 'isbn'"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class,
                () -> library.findByYearGreaterThanEqual(0, PageRequest.ofSize(DataLimits.MAX_RESULTS + 1), Order.by()));
        assertTrue(e.getMessage().contains("over the provider's bound"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> client.proxy(Unknowns.class));
        assertTrue(e.getMessage().contains("is not a Bulwark entity"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> client.proxy(OthersRepository.class));
        assertTrue(e.getMessage().contains("not a repository Bulwark implements"), e.getMessage());

        // A client that skips the proxy's checks: the replicas refuse, nothing changes. It shares the proxies'
        // engine client: connecting another one as the same principal would send a NEW-KEY that replaces
        // the proxies' key at the replicas, whose later requests then fail the MAC check (no reply).
        RepositoryMethod shift = RepositoryModel.of(Library.class).methods().stream()
                .filter(m -> m.method().getName().equals("shift")).findFirst().orElseThrow();
        RepositoryMethod byAuthor = RepositoryModel.of(Library.class).methods().stream()
                .filter(m -> m.method().getName().equals("byAuthor")).findFirst().orElseThrow();
        StoreClient raw = new StoreClient(link, Repositories.proxyDefinition(Library.class), WAIT);
        BadRequestException bad = assertThrows(BadRequestException.class,
                () -> raw.invoke(byAuthor.operationName(), Outcome.class, List.of("woolf"), List.of(new SortKey("isbn", true, false)), Window.ALL));
        assertTrue(bad.getMessage().contains("no property 'isbn'"), bad.getMessage());
        bad = assertThrows(BadRequestException.class, () -> raw.invoke(byAuthor.operationName(), Outcome.class, List.of("woolf"), List.of(),
                new Window(Window.Mode.OFFSET, 0, DataLimits.MAX_RESULTS + 1, List.of(), false, false)));
        assertTrue(bad.getMessage().contains("over the provider's bound"), bad.getMessage());
        bad = assertThrows(BadRequestException.class,
                () -> raw.invoke(shift.operationName(), Outcome.class, List.of("not a number", "austen"), List.of(), Window.ALL));
        assertTrue(bad.getMessage().contains("arithmetic needs numbers"), bad.getMessage());
        bad = assertThrows(BadRequestException.class, () -> raw.invoke(shift.operationName(), Outcome.class, List.of(1), List.of(), Window.ALL));
        assertTrue(bad.getMessage().contains("takes 2 query parameter(s), got 1"), bad.getMessage());
        assertEquals(List.of(1815, 1817, 1925), library.findByAuthorOrderByYearAsc("austen").stream().map(b -> b.year).toList(),
                "the refused update changed nothing");
    }

    @Test
    void unknownOperationsAndForeignValuesAreRefusedAndChangeNothing() {
        // A repository the replicas do not run (a client built from a newer application): a typed error, nothing executed.
        NewerLibrary newer = client.proxy(NewerLibrary.class);
        UnknownOperationException unknown = assertThrows(UnknownOperationException.class, () -> newer.countByGenre(Genre.NOVEL));
        assertTrue(unknown.getMessage().contains("the replicas offer no operation NewerLibrary.countByGenre-"), unknown.getMessage());
        assertTrue(unknown.operation().startsWith("NewerLibrary.countByGenre-"), unknown.operation());
        assertThrows(UnknownOperationException.class, () -> newer.deleteByYearLessThan(3000), "a write the replicas do not know");

        // The same through a raw store client: an operation name the replicas do not know, and a known one with wrong arguments.
        RepositoryMethod insert = RepositoryModel.of(Library.class).methods().stream()
                .filter(m -> m.method().getName().equals("insertAll")).findFirst().orElseThrow();
        StoreClient raw = new StoreClient(link, Repositories.proxyDefinition(Library.class), WAIT);
        BadRequestException bad = assertThrows(BadRequestException.class,
                () -> raw.invoke("Library.dropEverything-000000000000", Outcome.class, List.of(), List.of(), Window.ALL));
        assertTrue(bad.getMessage().startsWith("unknown operation 'Library.dropEverything-000000000000'"), bad.getMessage());
        bad = assertThrows(BadRequestException.class,
                () -> raw.invoke(insert.operationName(), Outcome.class, List.of("not a book"), List.of(), Window.ALL));
        assertTrue(bad.getMessage().contains("a java.lang.String is not a " + Book.class.getName()), bad.getMessage());
        bad = assertThrows(BadRequestException.class,
                () -> raw.invoke(insert.operationName(), Outcome.class, List.of(new java.util.concurrent.atomic.AtomicLong()), List.of(), Window.ALL));
        assertTrue(bad.getMessage().startsWith(insert.operationName() + ": "), "refused by the client's codec, nothing sent: " + bad.getMessage());
        bad = assertThrows(BadRequestException.class, () -> raw.invoke(insert.operationName(), Outcome.class, List.of(), List.of()));
        assertTrue(bad.getMessage().contains("takes 3 argument(s), got 2"), bad.getMessage());

        // A batch whose second entity exists: the whole call is refused, the first entity is not kept.
        Book existing = library.findFirstByAuthorOrderByYearDesc("montaigne").orElseThrow();
        Book clash = Book.of("y", "z", 2, Genre.NOVEL);
        clash.id = existing.id;
        assertThrows(EntityExistsException.class, () -> library.insertAll(List.of(Book.of("new", "Kept?", 2000, Genre.NOVEL), clash)));
        assertFalse(library.existsByTitle("Kept?"), "the refused batch left nothing behind");
        assertEquals(10, library.findAll().count(), "nothing changed");
        assertEquals("Essais", library.findById(existing.id).orElseThrow().title);
    }

    @Test
    void injectedByCdiInClientModeAlongsideAnotherProvidersRepository() {
        ProvidedClient.client = client;
        try (WeldContainer weld = new Weld("repository-client").disableDiscovery().addExtension(new BulwarkExtension())
                .addBeanClasses(ProvidedClient.class, LibraryUser.class, Library.class, OthersRepository.class)
                .property("org.jboss.weld.se.shutdownHook", false).initialize()) {
            assertEquals(4, weld.select(LibraryUser.class).get().addAndCount("austen", "Lady Susan"));
            assertTrue(weld.select(OthersRepository.class).isUnsatisfied(), "another provider's repository is left to it");
            assertEquals(Set.of(Library.class), weld.getBeanManager().getExtension(BulwarkExtension.class).repositories());
        } finally {
            ProvidedClient.client = null;
        }
    }
}
