package io.bulwark.jakarta.data.library;

import io.bulwark.store.access.Roles;
import jakarta.data.Limit;
import jakarta.data.page.CursoredPage;
import jakarta.data.page.PageRequest;
import jakarta.data.repository.DataRepository;
import jakarta.data.repository.Insert;
import jakarta.data.repository.OrderBy;
import jakarta.data.repository.Repository;
import java.util.List;

/** Queries of one author's books in id order, as a history page asks for them (newest first, older than a position). */
@Repository
@Roles("user")
public interface Shelf extends DataRepository<Book, Long> {
    @Insert
    void shelve(List<Book> books);

    List<Book> findByAuthorAndIdLessThanOrderByIdDesc(String author, long before, Limit limit);

    @OrderBy("id")
    CursoredPage<Book> findByAuthor(String author, PageRequest page);

    long countByAuthor(String author);
}
