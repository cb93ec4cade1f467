package io.bulwark.jakarta.data;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.bulwark.bft.config.ProtocolConfig;
import io.bulwark.bft.testkit.MiniCluster;
import io.bulwark.jakarta.client.BulwarkClient;
import io.bulwark.jakarta.data.library.Book;
import io.bulwark.jakarta.data.library.Book.Genre;
import io.bulwark.jakarta.data.library.Shelf;
import io.bulwark.jakarta.host.CdiReplicaHost;
import io.bulwark.store.BadRequestException;
import io.bulwark.store.StoreDefinition;
import io.bulwark.store.access.AccessPolicy;
import io.bulwark.store.service.StoreService;
import jakarta.data.Limit;
import jakarta.data.page.CursoredPage;
import jakarta.data.page.PageRequest;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * A query restricted by equality on an indexed property and ordered by id walks only that value's index entries:
 * a quiet author's newest books are found however many newer books others wrote. Walking the ids instead (the
 * provider before) read every newer book and refused the query past {@link DataLimits#MAX_SCAN} — the sample
 * bank's history of a quiet account, once the bank had ten thousand newer transfers.
 */
@Timeout(180)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class IndexEqualityPagingTest {
    private static final Duration WAIT = Duration.ofSeconds(30);
    private static final int BUSY = DataLimits.MAX_SCAN + 500;
    private CdiReplicaHost host;
    private MiniCluster group;
    private Shelf shelf;
    private final List<Long> quiet = new ArrayList<>();

    @BeforeAll
    void start(@TempDir Path dir) throws Exception {
        host = CdiReplicaHost.boot(getClass().getClassLoader(), List.of(Book.class, Shelf.class));
        StoreDefinition definition = host.definition(AccessPolicy.builder().grant(4, "alice", "user").build());
        ProtocolConfig cfg = ProtocolConfig.defaults(1).withCheckpointInterval(8, 16);
        group = MiniCluster.builder(dir).protocol(cfg).clients(1).pages(4096).waitLimit(WAIT)
                .service(i -> new StoreService(definition, cfg.maxResultBytes())).build();
        shelf = BulwarkClient.over(group.client(0), WAIT).proxy(Shelf.class);
        // Three books by a quiet author, then more books by a busy one than a query may read, then one more quiet.
        shelf.shelve(List.of(Book.of("quiet", "q1", 1901, Genre.NOVEL), Book.of("quiet", "q2", 1902, Genre.NOVEL),
                Book.of("quiet", "q3", 1903, Genre.NOVEL)));
        for (int done = 0; done < BUSY; ) {
            List<Book> batch = new ArrayList<>();
            for (int i = 0; i < DataLimits.MAX_ENTITIES && done < BUSY; i++, done++) batch.add(Book.of("busy", "b" + done, 2000, Genre.ESSAY));
            shelf.shelve(batch);
        }
        shelf.shelve(List.of(Book.of("quiet", "q4", 1904, Genre.NOVEL)));
        for (CursoredPage<Book> p = shelf.findByAuthor("quiet", PageRequest.ofSize(10)); ; p = shelf.findByAuthor("quiet", p.nextPageRequest())) {
            p.content().forEach(b -> quiet.add(b.id));
            if (!p.hasNext()) break;
        }
    }

    @AfterAll
    void stop() {
        if (group != null) group.close();
        if (host != null) host.close();
    }

    @Test
    void aQuietValuesNewestEntriesAreFoundPastManyNewerOthers() {
        assertEquals(4, quiet.size(), "the quiet author's books in id order: " + quiet);
        assertEquals(List.of("q4", "q3"), titles(shelf.findByAuthorAndIdLessThanOrderByIdDesc("quiet", Long.MAX_VALUE, Limit.of(2))));
        // Older than q4: the walk starts past ten thousand busy books, none of them read.
        assertEquals(List.of("q3", "q2", "q1"), titles(shelf.findByAuthorAndIdLessThanOrderByIdDesc("quiet", quiet.get(3), Limit.of(10))));
        assertEquals(List.of("q1"), titles(shelf.findByAuthorAndIdLessThanOrderByIdDesc("quiet", quiet.get(1), Limit.of(10))));
        assertEquals(List.of(), shelf.findByAuthorAndIdLessThanOrderByIdDesc("nobody", Long.MAX_VALUE, Limit.of(10)));
        // The busy author's page is still one index walk; counting all of them is a scan, refused as before.
        assertEquals(3, shelf.findByAuthorAndIdLessThanOrderByIdDesc("busy", Long.MAX_VALUE, Limit.of(3)).size());
        assertThrows(BadRequestException.class, () -> shelf.countByAuthor("busy"), "more than MAX_SCAN to count: refused");
    }

    @Test
    void cursoredPagesOfOneValueInIdOrder() {
        List<String> all = new ArrayList<>();
        int pages = 0;
        for (CursoredPage<Book> p = shelf.findByAuthor("quiet", PageRequest.ofSize(3)); ; p = shelf.findByAuthor("quiet", p.nextPageRequest())) {
            all.addAll(titles(p.content()));
            pages++;
            if (!p.hasNext()) break;
        }
        assertEquals(List.of("q1", "q2", "q3", "q4"), all);
        assertTrue(pages >= 2, "paged: " + pages);
    }

    private static List<String> titles(List<Book> books) { return books.stream().map(b -> b.title).toList(); }
}
