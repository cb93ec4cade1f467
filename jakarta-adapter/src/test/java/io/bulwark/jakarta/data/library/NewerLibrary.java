package io.bulwark.jakarta.data.library;

import io.bulwark.store.access.PermitAll;
import jakarta.data.repository.BasicRepository;
import jakarta.data.repository.Repository;

/**
 * Hostile: a client's repository the replicas do not run (as if the client had a newer version of the
 * application than the replicas): every call is an operation the replicas do not know.
 */
@Repository(provider = "Bulwark")
@PermitAll
public interface NewerLibrary extends BasicRepository<Book, Long> {
    long countByGenre(Book.Genre genre);

    void deleteByYearLessThan(int year);
}
