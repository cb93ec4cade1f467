package io.bulwark.jakarta.data.library;

import io.bulwark.store.annotation.Entity;
import io.bulwark.store.annotation.GeneratedValue;
import io.bulwark.store.annotation.Id;
import io.bulwark.store.annotation.Indexed;
import io.bulwark.store.annotation.Version;

@Entity
public class Book {
    @Id @GeneratedValue public long id;
    @Indexed public String author;
    public String title;
    @Indexed public int year;
    public Genre genre;
    @Version public long version;

    public enum Genre { NOVEL, POETRY, ESSAY }

    public static Book of(String author, String title, int year, Genre genre) {
        Book b = new Book();
        b.author = author;
        b.title = title;
        b.year = year;
        b.genre = genre;
        return b;
    }

    @Override public String toString() { return id + ":" + author + "/" + title + "/" + year; }
}
