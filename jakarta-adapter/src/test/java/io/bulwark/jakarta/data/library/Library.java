package io.bulwark.jakarta.data.library;

import io.bulwark.store.access.PermitAll;
import jakarta.data.Limit;
import jakarta.data.Order;
import jakarta.data.Sort;
import jakarta.data.page.CursoredPage;
import jakarta.data.page.Page;
import jakarta.data.page.PageRequest;
import jakarta.data.repository.By;
import jakarta.data.repository.CrudRepository;
import jakarta.data.repository.Delete;
import jakarta.data.repository.Find;
import jakarta.data.repository.OrderBy;
import jakarta.data.repository.Query;
import jakarta.data.repository.Repository;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Stream;

@Repository(provider = "Bulwark")
@PermitAll
public interface Library extends CrudRepository<Book, Long> {
    List<Book> findByAuthorOrderByYearAsc(String author);

    long countByYearGreaterThan(int year);

    boolean existsByTitle(String title);

    long deleteByAuthor(String author);

    List<Book> findByTitleIgnoreCaseContainsOrGenre(String part, Book.Genre genre);

    Optional<Book> findFirstByAuthorOrderByYearDesc(String author);

    Stream<Book> findByGenreIn(Set<Book.Genre> genres, Sort<Book> sort);

    Book[] findByYearBetween(int from, int to, Limit limit, Sort<?>... sorts);

    Page<Book> findByYearGreaterThanEqual(int year, PageRequest page, Order<Book> order);

    CursoredPage<Book> findByAuthorNotNull(PageRequest page, Sort<Book> sort);

    @Find
    List<Book> byAuthor(@By("author") String author, Sort<Book> sort);

    @Find
    @OrderBy(value = "year", descending = true)
    List<Book> byGenre(Book.Genre genre);

    @Find
    Book byTitle(@By("title") String title);

    @Delete
    long removeByGenre(@By("genre") Book.Genre genre);

    @Query("WHERE year BETWEEN ?1 AND ?2 AND NOT (genre = io.bulwark.jakarta.data.library.Book.Genre.ESSAY) ORDER BY title")
    List<Book> between(int from, int to);

    @Query("SELECT title WHERE author = :author AND title LIKE '%a%' ORDER BY year DESC")
    List<String> titlesWithA(String author);

    @Query("SELECT COUNT(THIS) WHERE year < 1900 OR author = ?1 AND genre IS NOT NULL")
    long oldOrBy(String author);

    @Query("UPDATE Book SET year = year + ?1 WHERE author = ?2")
    long shift(int years, String author);

    @Query("DELETE FROM Book WHERE year > :after")
    int deleteAfter(int after);
}
