package io.bulwark.jakarta.data.library;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

/** A bean of the web tier injecting the repository (CDI client mode). */
@ApplicationScoped
public class LibraryUser {
    @Inject Library library;

    public long addAndCount(String author, String title) {
        library.insert(Book.of(author, title, 2000, Book.Genre.NOVEL));
        return library.findByAuthorOrderByYearAsc(author).size();
    }
}
