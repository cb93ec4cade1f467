package io.bulwark.jakarta.data;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.bulwark.jakarta.data.library.Book;
import jakarta.data.repository.Delete;
import jakarta.data.repository.Insert;
import jakarta.data.repository.Query;
import jakarta.data.repository.Repository;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** Which repositories the provider claims and how it finds their entities, without replicas. */
class RepositoryModelTest {
    /** No DataRepository: the lifecycle methods name the primary entity (Jakarta Data 1.0, "Repository interfaces"). */
    @Repository
    interface Shelf {
        @Insert
        void add(List<Book> books);

        @Delete
        void remove(Book book);

        long countByAuthorIn(Set<String> authors);
    }

    /** Two entities and no primary one: a query without FROM queries its result's entity. */
    @Repository
    interface Mixed {
        @Insert
        Book add(Book b);

        @Insert
        Other[] add(Other... o);

        @Query("WHERE title = ?1")
        Optional<Book> titled(String title);
    }

    @io.bulwark.store.annotation.Entity
    public static class Other {
        @io.bulwark.store.annotation.Id
        public long id;
    }

    /** Names no Bulwark entity anywhere: another provider's. */
    @Repository
    interface Foreign {
        @Insert
        void add(String s);
    }

    @Repository
    interface HalfSupported {
        @Insert
        void add(Book b);

        long countByIsbn(String isbn);
    }

    @Test
    void lifecycleMethodsNameThePrimaryEntity() {
        assertTrue(RepositoryModel.claims(Shelf.class));
        RepositoryModel model = RepositoryModel.of(Shelf.class);
        assertEquals(Book.class, model.primary());
        assertEquals(3, model.methods().size(), "the finder by method name is implemented over the primary entity");
    }

    @Test
    void withoutPrimaryEntityAQueryWithoutFromUsesItsResult() {
        assertTrue(RepositoryModel.claims(Mixed.class), "its methods' entities are Bulwark's");
        assertFalse(RepositoryModel.claims(Foreign.class));
        RepositoryModel mixed = RepositoryModel.of(Mixed.class);
        assertNull(mixed.primary(), "its lifecycle methods take two entities");
        assertEquals(Book.class, mixed.method(titled()).query().entity());
    }

    private static java.lang.reflect.Method titled() {
        try {
            return Mixed.class.getMethod("titled", String.class);
        } catch (NoSuchMethodException e) {
            throw new AssertionError(e);
        }
    }

    @Test
    void lenientModeLeavesOutWhatItCannotImplementAndSaysWhy() throws Exception {
        assertThrows(IllegalArgumentException.class, () -> RepositoryModel.of(HalfSupported.class), "strict by default");
        System.setProperty(RepositoryModel.LENIENT_PROPERTY, "true");
        RepositoryModel model;
        try {
            model = RepositoryModel.of(HalfSupported.class);
        } finally {
            System.clearProperty(RepositoryModel.LENIENT_PROPERTY);
        }
        assertEquals(1, model.methods().size());
        String why = model.unsupported(HalfSupported.class.getMethod("countByIsbn", String.class));
        assertTrue(why != null && why.contains("'Isbn' names no property of Book"), why);
        assertNull(model.unsupported(HalfSupported.class.getMethod("add", Book.class)));
    }
}
